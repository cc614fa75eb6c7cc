using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Hypervisor.Tests.Topology;

/// <summary>The topology's copy of a function is the same whether its registers arrive as blocks or as single dword reads.</summary>
public class EcamFunctionReaderTests
{
    /// <summary>Only single accesses: block reads fall back to the interface's dword loop.</summary>
    private sealed class DwordsOnly(IConfigAccess inner) : IConfigAccess
    {
        public uint Read(Sbdf function, int offset, int size) => inner.Read(function, offset, size);
        public void Write(Sbdf function, int offset, int size, uint value) => inner.Write(function, offset, size, value);
    }

    [Fact]
    public void A_function_read_with_block_reads_equals_the_one_read_dword_by_dword()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var pf = m["cx5"];
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.NumVfs, 2, 2);
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
        m.EventLoop.RunUntil(m.EventLoop.Now + SimTime.FromMilliseconds(100));
        var serialised = new SerialisedConfigAccess(m.Fabric);
        int functions = 0;
        foreach (var f in m.Fabric.AllFunctions())
        {
            var blocks = EcamFunctionReader.Read(serialised, f.Address);
            var dwords = EcamFunctionReader.Read(new DwordsOnly(m.Fabric), f.Address);
            Assert.True(blocks.Bytes.SequenceEqual(dwords.Bytes), $"{f}: block and dword copies differ");
            Assert.Equal(dwords.Size, blocks.Size);
            functions++;
        }
        Assert.True(functions > 10, $"only {functions} functions on the built-in platform");
    }
}
