using System.Buffers.Binary;
using Bridgekeeper.Cli.Simulation.Composition;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Cli.Tests.Composition;

/// <summary>
/// A block read through the watched config path returns what its 4-byte reads return and leaves exactly
/// the observations they leave (the config-only-when-ready invariant reads them), whatever state the
/// target is in.
/// </summary>
public class ObservedConfigBlockReadTests
{
    private const ushort Sbr = 1 << 6; // Bridge Control: Secondary Bus Reset (PCI-to-PCI Bridge 1.2 §3.2.5.18)

    private static void AssertBlockEqualsDwords(ObservedConfigAccess config, SimulatedMachine m, Sbdf function, string state)
    {
        foreach (var (offset, length) in new[] { (0, ConfigSpace.ExtendedSize), (0, ConfigSpace.ConventionalSize), (0x100, 0x40), (0xFC, 8), (0x40, 0) })
        {
            int seen = config.NotReady.Count;
            long served = m.Fabric.Accesses;
            var block = new byte[length];
            config.ReadBlock(function, offset, block);
            var blockObservations = config.NotReady.GetRange(seen, config.NotReady.Count - seen);
            Assert.Equal(length / 4, m.Fabric.Accesses - served);

            seen = config.NotReady.Count;
            for (int o = 0; o < length; o += 4)
            {
                uint expected = config.Read(function, offset + o, 4);
                Assert.True(expected == BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(o)),
                    $"{function} ({state}) at {offset + o:x3}: block {BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(o)):x8}, dword read {expected:x8}");
            }
            Assert.Equal(config.NotReady.GetRange(seen, config.NotReady.Count - seen), blockObservations);
        }
    }

    [Fact]
    public void A_watched_block_read_returns_and_records_what_its_dword_reads_do_in_every_state()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var config = new ObservedConfigAccess(m);
        foreach (var f in m.Fabric.AllFunctions()) AssertBlockEqualsDwords(config, m, f.Address, "booted");
        AssertBlockEqualsDwords(config, m, new Sbdf(0, 0x7F, 31, 7), "absent");
        Assert.Empty(config.NotReady);

        var rp = m["rp1"];
        var cx5 = m["cx5"].Address;
        config.Write(rp.Address, rp.PcieCapability + Pcie.RootControl, 2, Pcie.RootCtlRrsSoftwareVisibility);
        uint bc = config.Read(rp.Address, ConfigHeader.BridgeControl, 2);
        config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc | Sbr);
        AssertBlockEqualsDwords(config, m, cx5, "in reset");
        config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc);
        m.EventLoop.RunUntil(m.EventLoop.Now + LinkTiming.TrainingTime(4));
        int before = config.NotReady.Count;
        AssertBlockEqualsDwords(config, m, cx5, "RRS");
        Assert.True(config.NotReady.Count > before, "reads of a function answering RRS are recorded");

        var removed = m["nvme0"].Address;
        m.SurpriseRemove(removed);
        before = config.NotReady.Count;
        AssertBlockEqualsDwords(config, m, removed, "removed");
        Assert.Equal(before, config.NotReady.Count);
    }
}
