using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>Secondary Bus Reset, FLR and readiness, checked to the nanosecond of virtual time.</summary>
public class ResetTimingTests
{
    private const ushort Sbr = ConfigHeader.BridgeControlSecondaryBusReset;

    private static SimulatedMachine Fresh() => SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    private static void SetSbr(SimulatedMachine m, Sbdf bridge, bool on)
    {
        uint bc = m.Config.Read(bridge, ConfigHeader.BridgeControl, 2);
        m.Config.Write(bridge, ConfigHeader.BridgeControl, 2, on ? bc | Sbr : bc & ~(uint)Sbr);
    }

    private static void EnableRrsVisibility(SimulatedMachine m, SimFunction rootPort) =>
        m.Config.Write(rootPort.Address, rootPort.PcieCapability + Pcie.RootControl, 2, Pcie.RootCtlRrsSoftwareVisibility);

    [Fact]
    public void After_sbr_the_link_trains_then_the_device_answers_rrs_until_its_readiness_time()
    {
        var m = Fresh();
        var rp = m["rp1"];
        var cx5 = m["cx5"].Address;
        EnableRrsVisibility(m, rp);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        SetSbr(m, rp.Address, true);
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(cx5, 0, 4)); // in reset: link down, UR
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(3));
        var deassert = m.EventLoop.Now;
        SetSbr(m, rp.Address, false);

        var linkUp = deassert + LinkTiming.TrainingTime(4);       // Gen4 root port: 35 ms
        var ready = linkUp + SimTime.FromMilliseconds(90);          // the ConnectX-5 model's reset readiness
        m.EventLoop.RunUntil(linkUp - new SimTime(1));
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(cx5, 0, 4));
        Assert.Equal(0u, m.Config.Read(rp.Address, rp.PcieCapability + Pcie.LinkStatus, 2) & Pcie.LinkStaDllActive);
        m.EventLoop.RunUntil(linkUp);
        Assert.Equal((uint)Pcie.LinkStaDllActive, m.Config.Read(rp.Address, rp.PcieCapability + Pcie.LinkStatus, 2) & Pcie.LinkStaDllActive);
        Assert.Equal(0xFFFF_0001u, m.Config.Read(cx5, 0, 4));     // RRS with Software Visibility
        Assert.Equal(0x0001u, m.Config.Read(cx5, 0, 2));
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(cx5, 4, 4));      // other registers: all ones
        m.EventLoop.RunUntil(ready - new SimTime(1));
        Assert.Equal(0xFFFF_0001u, m.Config.Read(cx5, 0, 4));
        m.EventLoop.RunUntil(ready);
        Assert.Equal(0x1017_15B3u, m.Config.Read(cx5, 0, 4));
    }

    [Fact]
    public void Without_rrs_software_visibility_a_device_not_ready_reads_all_ones()
    {
        var m = Fresh();
        var rp = m["rp1"];
        SetSbr(m, rp.Address, true);
        SetSbr(m, rp.Address, false);
        m.EventLoop.RunUntil(LinkTiming.TrainingTime(4) + SimTime.FromMilliseconds(1));
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(m["cx5"].Address, 0, 4));
    }

    [Fact]
    public void Reset_returns_config_to_defaults_except_sticky_bits()
    {
        var m = Fresh();
        var cx5 = m["cx5"];
        var a = cx5.Address;
        int aer = cx5.AerCapability;
        m.Config.Write(a, 0x04, 2, 0x0006);
        m.Config.Write(a, aer + AerCapability.UncorrectableSeverity, 4, 0x0000_1000);
        m.InjectAerError(a, AerCapability.PoisonedTlpReceived, correctable: false);
        uint barBefore = m.Config.Read(a, 0x10, 4);
        Assert.NotEqual(0u, barBefore & 0xFFFF_FFF0);

        SetSbr(m, m["rp1"].Address, true);
        SetSbr(m, m["rp1"].Address, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(0u, m.Config.Read(a, 0x04, 2));                                   // Command: not sticky
        Assert.Equal(0x0Cu, m.Config.Read(a, 0x10, 4));                                 // BAR address cleared, type kept
        Assert.Equal(AerCapability.PoisonedTlpReceived, m.Config.Read(a, aer + AerCapability.UncorrectableStatus, 4)); // RW1CS
        Assert.Equal(0x0000_1000u, m.Config.Read(a, aer + AerCapability.UncorrectableSeverity, 4));                   // RWS
    }

    [Fact]
    public void Sbr_clears_bus_numbers_below_so_deeper_devices_stay_unreachable_until_restored()
    {
        var m = Fresh();
        var nvme0 = m["nvme0"].Address;
        var usp = m["usp"];
        var dsp0 = m["dsp0"];
        uint uspBuses = usp.Config.ReadUInt32(0x18), dspBuses = dsp0.Config.ReadUInt32(0x18);
        SetSbr(m, m["rp0"].Address, true);
        SetSbr(m, m["rp0"].Address, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(0x10B5u, m.Config.Read(usp.Address, 0, 2));  // directly below: reachable
        Assert.Equal(0u, usp.Config.ReadUInt32(0x18) & 0xFFFFFF); // its bus numbers: reset
        Assert.Equal(0xFFFFu, m.Config.Read(nvme0, 0, 2));
        m.Config.Write(usp.Address, 0x18, 4, uspBuses);
        m.Config.Write(dsp0.Address, 0x18, 4, dspBuses);
        Assert.Equal(0x144Du, m.Config.Read(nvme0, 0, 2));
    }

    [Fact]
    public void Devices_behind_a_switch_wait_for_each_link_in_turn()
    {
        var m = Fresh();
        SetSbr(m, m["rp0"].Address, true);
        SetSbr(m, m["rp0"].Address, false);
        var rootLink = LinkTiming.TrainingTime(4);
        var dspReady = rootLink + SimTime.FromMilliseconds(20);     // PEX 8747 port readiness
        var nvmeLink = rootLink + LinkTiming.TrainingTime(3);        // Gen3 downstream link trains once the switch is out of reset
        var nvmeReady = nvmeLink + SimTime.FromMilliseconds(60);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(dspReady, m["dsp0"].ReadyAt);
        Assert.Equal(nvmeReady, m["nvme0"].ReadyAt);
    }

    [Fact]
    public void Readiness_time_reporting_sets_the_ready_time_after_link_up()
    {
        var m = Fresh();
        var nvme = m["nvme10"];
        long dlUp = ReadinessTimeReportingCapability.DlUpTimeNs(nvme.Config.Bytes, nvme.RtrCapability);
        Assert.InRange(dlUp, 75_000_000, 76_000_000); // 75 ms as the 12-bit field can express it
        SetSbr(m, m["rp10"].Address, true);
        SetSbr(m, m["rp10"].Address, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(LinkTiming.TrainingTime(4) + new SimTime(dlUp), nvme.ReadyAt);
    }

    [Fact]
    public void A_device_that_never_becomes_ready_answers_rrs_forever()
    {
        var m = Fresh();
        EnableRrsVisibility(m, m["rp1"]);
        m.SetNeverReady(m["cx5"].Address);
        SetSbr(m, m["rp1"].Address, true);
        SetSbr(m, m["rp1"].Address, false);
        m.EventLoop.RunUntil(SimTime.FromSeconds(60));
        Assert.Equal(0x0001u, m.Config.Read(m["cx5"].Address, 0, 2));
    }

    [Fact]
    public void Flr_resets_only_that_function_and_it_answers_rrs_for_its_flr_time()
    {
        var m = Fresh();
        EnableRrsVisibility(m, m["rp0"]);
        var f0 = m["nic2"];
        var f1 = m["nic2.1"];
        m.Config.Write(f0.Address, 0x04, 2, 0x0006);
        m.Config.Write(f1.Address, 0x04, 2, 0x0006);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(5));
        var t = m.EventLoop.Now;
        m.Config.Write(f0.Address, f0.PcieCapability + Pcie.DeviceControl, 2, (uint)(f0.Config.ReadUInt16(f0.PcieCapability + Pcie.DeviceControl) | Pcie.DevCtlInitiateFlr));
        Assert.Equal(0x0001u, m.Config.Read(f0.Address, 0, 2));
        Assert.Equal(0x0006u, m.Config.Read(f1.Address, 0x04, 2)); // the other function is untouched
        m.EventLoop.RunUntil(t + SimTime.FromMilliseconds(50) - new SimTime(1));
        Assert.Equal(0x0001u, m.Config.Read(f0.Address, 0, 2));
        m.EventLoop.RunUntil(t + SimTime.FromMilliseconds(50));
        Assert.Equal(0x14E4u, m.Config.Read(f0.Address, 0, 2));
        Assert.Equal(0u, m.Config.Read(f0.Address, 0x04, 2));
        Assert.Equal(0u, m.Config.Read(f0.Address, f0.PcieCapability + Pcie.DeviceControl, 2) & Pcie.DevCtlInitiateFlr);
    }

    [Fact]
    public void Flr_of_an_immediate_readiness_function_needs_no_wait()
    {
        var m = Fresh();
        var zip = m["zip"];
        m.Config.Write(zip.Address, zip.PcieCapability + Pcie.DeviceControl, 2, Pcie.DevCtlInitiateFlr);
        Assert.Equal(0x19E5u, m.Config.Read(zip.Address, 0, 2));
        Assert.Equal(m.EventLoop.Now, zip.ReadyAt);
    }

    [Fact]
    public void Flr_is_ignored_by_a_function_without_flr_capability()
    {
        var m = Fresh();
        var usp = m["usp"];
        m.Config.Write(usp.Address, 0x04, 2, 0x0006);
        m.Config.Write(usp.Address, usp.PcieCapability + Pcie.DeviceControl, 2, Pcie.DevCtlInitiateFlr);
        Assert.Equal(0x0006u, m.Config.Read(usp.Address, 0x04, 2));
    }
}
