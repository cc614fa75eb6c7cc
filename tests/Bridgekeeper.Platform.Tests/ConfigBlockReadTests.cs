using System.Buffers.Binary;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// A block read of config space is the sequence of 4-byte reads it stands for, whatever state the target
/// is in: answering, conventional (no extended space), held in reset, answering RRS, removed, or absent.
/// </summary>
public class ConfigBlockReadTests
{
    private const ushort Sbr = 1 << 6; // Bridge Control: Secondary Bus Reset (PCI-to-PCI Bridge 1.2 §3.2.5.18)

    private static void AssertBlockEqualsDwords(IConfigAccess config, Sbdf function, string state)
    {
        foreach (var (offset, length) in new[] { (0, ConfigSpace.ExtendedSize), (0, ConfigSpace.ConventionalSize), (0x100, 0x40), (0xFC, 8), (0xFFC, 4), (0x40, 0) })
        {
            var block = new byte[length];
            long served = config is PcieFabric counted ? counted.Accesses : 0;
            config.ReadBlock(function, offset, block);
            if (config is PcieFabric fabric) Assert.Equal(length / 4, fabric.Accesses - served);
            for (int o = 0; o < length; o += 4)
            {
                uint expected = config.Read(function, offset + o, 4);
                Assert.True(expected == BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(o)),
                    $"{function} ({state}) at {offset + o:x3}: block {BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(o)):x8}, dword read {expected:x8}");
            }
        }
    }

    [Fact]
    public void A_block_read_equals_the_dword_reads_of_every_function_in_every_state()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var config = m.Config;
        foreach (var f in m.Fabric.AllFunctions()) AssertBlockEqualsDwords(config, f.Address, "booted");
        Assert.Contains(m.Fabric.AllFunctions(), f => !f.Config.IsExtended); // reads past 0xFF of a conventional function are covered
        AssertBlockEqualsDwords(config, new Sbdf(0, 0x7F, 31, 7), "absent");

        // RRS with Software Visibility: a block starting at the Vendor ID sees 0x0001 there and all ones elsewhere.
        var rp = m["rp1"];
        var cx5 = m["cx5"].Address;
        config.Write(rp.Address, rp.PcieCapability + Pcie.RootControl, 2, Pcie.RootCtlRrsSoftwareVisibility);
        uint bc = config.Read(rp.Address, ConfigHeader.BridgeControl, 2);
        config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc | Sbr);
        AssertBlockEqualsDwords(config, cx5, "in reset");
        config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc);
        m.EventLoop.RunUntil(m.EventLoop.Now + LinkTiming.TrainingTime(4));
        Assert.Equal(0xFFFF_0001u, config.Read(cx5, 0, 4));
        AssertBlockEqualsDwords(config, cx5, "RRS");

        var removed = m["nvme0"].Address;
        m.SurpriseRemove(removed);
        AssertBlockEqualsDwords(config, removed, "removed");
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(0, 6)]
    [InlineData(0xFFC, 8)]
    [InlineData(-4, 4)]
    public void A_block_that_is_not_whole_dwords_within_4_KiB_is_refused(int offset, int length)
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Config.ReadBlock(m["rp1"].Address, offset, new byte[length]));
    }
}
