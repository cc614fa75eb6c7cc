using System.Buffers.Binary;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>The hypervisor's serialised config path passes a block read to hardware as one locked sequence.</summary>
public class SerialisedConfigBlockReadTests
{
    [Fact]
    public void A_serialised_block_read_equals_its_dword_reads_and_counts_as_that_many_requests()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var serialised = new SerialisedConfigAccess(m.Fabric);
        foreach (var f in m.Fabric.AllFunctions())
        {
            var block = new byte[ConfigSpace.ExtendedSize];
            long served = m.Fabric.Accesses;
            serialised.ReadBlock(f.Address, 0, block);
            Assert.Equal(ConfigSpace.ExtendedSize / 4, m.Fabric.Accesses - served);
            for (int o = 0; o < block.Length; o += 4)
                Assert.Equal(m.Fabric.Read(f.Address, o, 4), BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(o)));
        }
    }
}
