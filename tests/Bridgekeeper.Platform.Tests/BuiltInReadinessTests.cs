using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Frs = Bridgekeeper.Pci.FrsQueueingCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// The built-in Arm server's segment 1 exercises the readiness mechanisms together: the P5510 below
/// rp10 reports its times (Readiness Time Reporting, §7.9.16), sends DRS after a conventional reset
/// (§6.22.1) and FRS after FLR (§6.22.2), and rp10 records both.
/// </summary>
public class BuiltInReadinessTests
{
    [Fact]
    public void The_nvme_below_rp10_supports_drs_and_frs_and_rp10_can_record_both()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var (rp10, nvme10) = (m["rp10"], m["nvme10"]);
        Assert.NotEqual(0, rp10.FrsCapability);
        foreach (var f in new[] { rp10, nvme10 })
        {
            Assert.NotEqual(0u, f.Config.ReadUInt32(f.PcieCapability + Pcie.LinkCapabilities2) & 0x8000_0000); // DRS Supported
            Assert.NotEqual(0u, f.Config.ReadUInt32(f.PcieCapability + Pcie.DeviceCapabilities2) & 0x8000_0000); // FRS Supported
        }
        Assert.NotEqual(0, nvme10.RtrCapability);
    }

    [Fact]
    public void After_flr_the_nvme_frs_message_reaches_rp10_at_its_reported_flr_time()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var (rp10, nvme10) = (m["rp10"], m["nvme10"]);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(5));
        int devctl = nvme10.PcieCapability + Pcie.DeviceControl;
        m.Config.Write(nvme10.Address, devctl, 2, m.Config.Read(nvme10.Address, devctl, 2) | Pcie.DevCtlInitiateFlr);
        // FLR Time as the RTR capability encodes 20 ms: 20 × 32^4 ns = 20.971520 ms (§7.9.16.2).
        long flrNs = ReadinessTimeReportingCapability.FlrTimeNs(nvme10.Config.Bytes, nvme10.RtrCapability);
        Assert.Equal(20_971_520L, flrNs);
        var ready = SimTime.FromMilliseconds(5) + new SimTime(flrNs);
        m.EventLoop.RunUntil(ready - new SimTime(1));
        Assert.Empty(m.FrsMessages);
        m.EventLoop.RunUntil(ready);
        var message = Assert.Single(m.FrsMessages);
        Assert.Equal((FrsReason.FlrCompleted, rp10), (message.Reason, message.Collector));
        Assert.Equal(nvme10.Address.RequesterId.Value | 0b0011u << 16 | 1u << 20, rp10.Config.ReadUInt32(rp10.FrsCapability + Frs.MessageQueue));
    }

    [Fact]
    public void After_sbr_rp10_receives_the_drs_message_at_link_up_plus_the_reported_dl_up_time()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var rp10 = m["rp10"];
        uint bc = m.Config.Read(rp10.Address, ConfigHeader.BridgeControl, 2);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        m.Config.Write(rp10.Address, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(2));
        m.Config.Write(rp10.Address, ConfigHeader.BridgeControl, 2, bc);
        var nvme10 = m["nvme10"];
        long dlUpNs = ReadinessTimeReportingCapability.DlUpTimeNs(nvme10.Config.Bytes, nvme10.RtrCapability);
        Assert.Equal(75_497_472L, dlUpNs); // 75 ms encoded: 72 × 32^4 ns
        var drs = SimTime.FromMilliseconds(2) + LinkTiming.TrainingTime(4) + new SimTime(dlUpNs); // Gen4 training, then DL_Up Time
        int linkStatus2 = rp10.PcieCapability + Pcie.LinkStatus2;
        m.EventLoop.RunUntil(drs - new SimTime(1));
        Assert.Equal(0u, m.Config.Read(rp10.Address, linkStatus2, 2) & 0x8000);
        m.EventLoop.RunUntil(drs);
        Assert.Equal(0x8000u, m.Config.Read(rp10.Address, linkStatus2, 2) & 0x8000);
        Assert.Empty(m.FrsMessages); // a conventional reset is a DRS Event only
    }

    // What the default scenario does to the ConnectX-5: a secondary bus reset at rp1, then the PF's
    // SR-IOV state restored (NumVFs, VF Enable). rp1 records the DRS Message and queues the FRS one.
    [Fact]
    public void Resetting_the_connectx5_and_reenabling_its_vfs_leaves_a_drs_and_an_frs_at_rp1()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var (rp1, cx5) = (m["rp1"], m["cx5"]);
        uint bc = m.Config.Read(rp1.Address, ConfigHeader.BridgeControl, 2);
        m.Config.Write(rp1.Address, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        m.Config.Write(rp1.Address, ConfigHeader.BridgeControl, 2, bc);
        var ready = SimTime.FromMilliseconds(1) + LinkTiming.TrainingTime(4) + SimTime.FromMilliseconds(90); // the ConnectX-5 model's reset readiness
        m.EventLoop.RunUntil(ready);
        Assert.Equal(0x8000u, m.Config.Read(rp1.Address, rp1.PcieCapability + Pcie.LinkStatus2, 2) & 0x8000);
        // The reset cleared the bus numbers below rp1; restore them as recovery does before touching the PF.
        m.Config.Write(rp1.Address, ConfigHeader.PrimaryBus, 4, m.Config.Read(rp1.Address, ConfigHeader.PrimaryBus, 4));
        int sriov = cx5.SriovCapability;
        m.Config.Write(cx5.Address, sriov + SriovCapability.NumVfs, 2, 4);
        m.Config.Write(cx5.Address, sriov + SriovCapability.Control, 2, SriovCapability.VfEnable);
        m.EventLoop.RunFor(SimTime.FromMilliseconds(100)); // the model's VF Enable readiness
        var frs = Assert.Single(m.FrsMessages);
        Assert.Equal((FrsReason.VfEnabled, rp1, ready + SimTime.FromMilliseconds(100)), (frs.Reason, frs.Collector, frs.Time));
        Assert.Equal(cx5.Address.RequesterId.Value | 0b0100u << 16 | 1u << 20, rp1.Config.ReadUInt32(rp1.FrsCapability + Frs.MessageQueue));
    }
}
