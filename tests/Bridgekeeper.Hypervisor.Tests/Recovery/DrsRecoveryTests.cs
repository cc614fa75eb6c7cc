using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>
/// Issue 6: recovery waits for the DRS Message instead of the 100 ms of PCIe Base 6.0 §6.6.1 when the
/// root port and the device below both support DRS (§6.22.1), and falls back to the timeout and RRS
/// polling otherwise; checked to the nanosecond on the simulator.
/// </summary>
public sealed class DrsRecoveryTests
{
    private static readonly DomainId Guest = new(1);

    private static string Platform(bool portDrs, bool deviceDrs, double readinessMs) => OneRootPortPlatform.Yaml("drs-recovery",
        [$"drs: {(portDrs ? "true" : "false")}"],
        $"{{ name: ssd, model: samsung-pm9a3, at: \"00.0\", drs: {(deviceDrs ? "true" : "false")}, readiness_ms: {{ reset: {readinessMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}, flr: 3, vf_enable: 0 }} }}");

    // Error at 1 ms; the owner votes at 1.02 ms and quiesces (trapped SBR write) at 3 ms; SBR held
    // 3..4 ms; DL_Up 20 ms later at 24 ms, seen by the 1 ms link poll at 24 ms.
    private static SimulatedRecoveryRig Recover(bool portDrs, bool deviceDrs, double readinessMs)
    {
        var rig = new SimulatedRecoveryRig(Platform(portDrs, deviceDrs, readinessMs));
        rig.Assign("ssd", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("ssd", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        Assert.Equal(SimTime.FromMilliseconds(3), rig.Single(EventKinds.SbrAssert).Time);
        Assert.Equal(SimTime.FromMilliseconds(4), rig.Single(EventKinds.SbrDeassert).Time);
        rig.AssertNoEarlyConfigRequest();
        return rig;
    }

    [Fact]
    public void With_drs_on_both_ends_the_device_is_used_at_the_first_poll_after_its_drs_message_not_100_ms_after_link_up()
    {
        using var rig = Recover(portDrs: true, deviceDrs: true, readinessMs: 12.5);
        // Ready and DRS Message at 24 + 12.5 = 36.5 ms; DRS Message Received polled every 1 ms from link up.
        var ready = rig.Single(EventKinds.DeviceReady, rig["ssd"]);
        Assert.Equal(new SimTime(37_000_000), ready.Time);
        Assert.Equal(true, rig.Sink.Detail(ready, "drs"));
        Assert.Equal(new SimTime(37_000_000), rig.Single(EventKinds.ConfigRestored, rig["ssd"]).Time);
        var done = rig.Single(EventKinds.RecoveryComplete);
        Assert.Equal(new SimTime(37_020_000), done.Time); // slot_reset answered 20 µs later
        Assert.Equal(true, rig.Sink.Detail(done, "drs"));
        Assert.True(rig.Coordinator.History[0].DrsReceived);
        // DRS Message Received is left set by this reset's message (RW1C; cleared before the next reset).
        Assert.Equal(0x8000u, rig.Machine.Config.Read(rig["rp"], rig.Machine["rp"].PcieCapability + PciExpressCapability.LinkStatus2, 2) & 0x8000u);
    }

    [Fact]
    public void A_stale_drs_message_received_bit_from_an_earlier_reset_does_not_end_the_wait()
    {
        var yaml = Platform(portDrs: true, deviceDrs: true, readinessMs: 12.5);
        using var rig = new SimulatedRecoveryRig(yaml);
        var rp = rig["rp"];
        int status2 = rig.Machine["rp"].PcieCapability + PciExpressCapability.LinkStatus2;
        // An earlier reset left DRS Message Received set (RW1C: it stays until software clears it).
        uint bc = rig.Machine.Config.Read(rp, ConfigHeader.BridgeControl, 2);
        rig.Machine.Config.Write(rp, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Machine.Config.Write(rp, ConfigHeader.BridgeControl, 2, bc);
        rig.RunUntil(SimTime.FromMilliseconds(100));
        Assert.Equal(0x8000u, rig.Machine.Config.Read(rp, status2, 2) & 0x8000u);

        rig.Assign("ssd", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.Raise("ssd", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        // Reset 102..103 ms, link up at 123 ms, ready and DRS at 135.5 ms: polled at 136 ms, never earlier.
        Assert.Equal(new SimTime(136_000_000), rig.Single(EventKinds.DeviceReady, rig["ssd"]).Time);
    }

    [Fact]
    public void Without_drs_at_the_device_the_wait_is_100_ms_after_link_up()
    {
        using var rig = Recover(portDrs: true, deviceDrs: false, readinessMs: 12.5);
        var ready = rig.Single(EventKinds.DeviceReady, rig["ssd"]);
        Assert.Equal(new SimTime(124_000_000), ready.Time);
        Assert.Equal(false, rig.Sink.Detail(ready, "drs"));
        Assert.False(rig.Coordinator.History[0].DrsReceived);
    }

    [Fact]
    public void Without_drs_at_the_root_port_the_wait_is_100_ms_after_link_up()
    {
        using var rig = Recover(portDrs: false, deviceDrs: true, readinessMs: 12.5);
        Assert.Equal(new SimTime(124_000_000), rig.Single(EventKinds.DeviceReady, rig["ssd"]).Time);
    }

    [Fact]
    public void A_drs_message_later_than_the_100_ms_falls_back_to_rrs_polling()
    {
        // Ready (and DRS) at 24 + 150 = 174 ms. DRS polled until 124 ms; then Vendor ID at 124, 125,
        // 127, 131, then every 4 ms: 171 still not ready, 175 ready.
        using var rig = Recover(portDrs: true, deviceDrs: true, readinessMs: 150);
        var ready = rig.Single(EventKinds.DeviceReady, rig["ssd"]);
        Assert.Equal(new SimTime(175_000_000), ready.Time);
        Assert.Equal(false, rig.Sink.Detail(ready, "drs"));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
    }

    [Fact]
    public void The_spec_minimum_with_drs_counts_the_last_polls_that_saw_the_link_down_and_drs_clear()
    {
        using var rig = Recover(portDrs: true, deviceDrs: true, readinessMs: 12.5);
        var floor = rig.Coordinator.History[0].SpecMinimum;
        // Vote 20 µs + quiesce until 3 ms + slot_reset answer 20 µs; Trst; link seen down at 23 ms; DRS seen clear at 36 ms.
        Assert.Equal(SimTime.FromMicroseconds(2_020), floor.OwnerWaits);
        Assert.Equal(SimTime.FromMilliseconds(19), floor.LinkTraining);
        Assert.Equal(SimTime.FromMilliseconds(12), floor.Readiness);
        Assert.Equal(SimTime.Zero, floor.VfEnable);
        Assert.Equal(SimTime.FromMicroseconds(34_020), floor.Total);
        Assert.Equal(floor.Total, rig.Sink.Detail(rig.Single(EventKinds.RecoveryComplete), "specMinimum"));
    }
}
