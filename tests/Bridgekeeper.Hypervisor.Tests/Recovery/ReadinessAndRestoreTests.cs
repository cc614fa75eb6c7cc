using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class ReadinessAndRestoreTests
{
    private static readonly DomainId D3 = new(3);

    private static RecoveryRig RigWithEndpointD(ConfigSpace d, SimTime readyAfterLinkUp)
    {
        var rig = new RecoveryRig();
        var f = rig.Fabric[D];
        // Swap D's config for one announcing a readiness mechanism.
        var replacement = rig.Fabric.Add(D, d, Rp2);
        rig.Fabric[Rp2].Children.Remove(f);
        replacement.ReadyAfterLinkUp = readyAfterLinkUp;
        d.Write(ConfigHeader.Bar0, 4, 0xE200_0000);
        d.Write(ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster);
        rig.Assign(D, D3, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        return rig;
    }

    private static SimTime ReadyAfterDeassert(RecoveryRig rig) =>
        rig.Sink.OfKind(EventKinds.DeviceReady).Single().Time - rig.Sink.OfKind(EventKinds.SbrDeassert).Single().Time;

    [Fact]
    public void Without_readiness_reporting_the_first_config_request_waits_100_ms_after_link_up()
    {
        using var rig = new RecoveryRig();
        rig.Assign(D, D3, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.RaiseNative(D, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.Equal(rig.Fabric.LinkTrainTime + SimTime.FromMilliseconds(100), ReadyAfterDeassert(rig));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Immediate_readiness_skips_the_100_ms_wait()
    {
        using var rig = RigWithEndpointD(FabricConfigSpaces.Endpoint(0xD001, false, immediateReadiness: true), SimTime.Zero);
        rig.RaiseNative(D, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.Equal(rig.Fabric.LinkTrainTime, ReadyAfterDeassert(rig));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_readiness_time_report_shortens_the_wait_to_the_reported_dl_up_time()
    {
        using var rig = RigWithEndpointD(FabricConfigSpaces.Endpoint(0xD002, false, rtrDlUpNs: 20_000_000), SimTime.FromMilliseconds(20));
        rig.RaiseNative(D, AerCapability.MalformedTlp);
        rig.Run(1000);
        // 20 ms encodes as 20.97152 ms (value x 32^scale ns, §7.9.16): the reported time is what counts.
        var reported = new SimTime(ReadinessTimeReportingCapability.DecodeTime(ReadinessTimeReportingCapability.EncodeTime(20_000_000)));
        Assert.Equal(rig.Fabric.LinkTrainTime + reported, ReadyAfterDeassert(rig));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_function_answering_rrs_beyond_the_delay_is_polled_until_ready()
    {
        using var rig = new RecoveryRig();
        rig.Assign(D, D3, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.Fabric[D].ReadyAfterLinkUp = SimTime.FromMilliseconds(130);
        rig.RaiseNative(D, AerCapability.MalformedTlp);
        rig.Run(1000);
        var ready = ReadyAfterDeassert(rig);
        var floor = rig.Fabric.LinkTrainTime + SimTime.FromMilliseconds(130);
        Assert.InRange(ready.Nanoseconds, floor.Nanoseconds, (floor + rig.Options.MaxPollInterval).Nanoseconds);
        Assert.True(rig.Fabric.Accesses.Count(a => a.Function == D && a.Offset == 0 && !a.Write) > 5);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Restore_follows_linux_order_pcie_then_aer_then_bars_before_command()
    {
        using var rig = new RecoveryRig();
        rig.Assign(D, D3, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.Fabric[D].Config.Write(FabricConfigSpaces.PcieAt + PciExpressCapability.DeviceControl, 2, 0x201F);
        rig.Snapshots.Save(D);
        rig.RaiseNative(D, AerCapability.MalformedTlp);
        rig.Run(1000);
        var restored = rig.Sink.OfKind(EventKinds.ConfigRestored).Single().Time;
        var writes = rig.Fabric.Accesses.Where(a => a.Function == D && a.Write && a.Time == restored).Select(a => a.Offset).ToList();
        int devctl = writes.IndexOf(FabricConfigSpaces.PcieAt + PciExpressCapability.DeviceControl);
        int aerClear = writes.IndexOf(FabricConfigSpaces.AerAt + AerCapability.UncorrectableStatus);
        int bar = writes.IndexOf(ConfigHeader.Bar0);
        int command = writes.IndexOf(ConfigHeader.Command);
        Assert.True(devctl >= 0 && devctl < aerClear && aerClear < bar && bar < command, string.Join(",", writes.Select(w => $"0x{w:x}")));
        Assert.Equal(0x201Fu, rig.Fabric[D].Config.Read(FabricConfigSpaces.PcieAt + PciExpressCapability.DeviceControl, 2));
    }
}

public sealed class InterruptStateHookTests
{
    private sealed class RecordingRestorer(RecoveryRig rig) : IInterruptStateRestorer
    {
        public List<(Sbdf Function, uint Command)> Calls { get; } = [];

        public void RestoreInterruptState(Sbdf function) => Calls.Add((function, rig.Fabric[function].Config.Read(ConfigHeader.Command, 2)));
    }

    [Fact]
    public void The_cores_interrupt_restore_runs_once_per_restored_function_after_its_header_is_back()
    {
        using var rig = new RecoveryRig();
        var restorer = new RecordingRestorer(rig);
        rig.Context.InterruptState = restorer;
        rig.Assign(A, new DomainId(1), GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);
        // A, B and C share the reset bus; each is restored once, Command (memory, bus master) already back.
        Assert.Equal([A, B, C], restorer.Calls.Select(c => c.Function).Order().ToArray());
        Assert.All(restorer.Calls, c => Assert.Equal((uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster), c.Command & 0x6));
    }
}

public sealed class RecoveryLatencyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(250)]
    public void Recovery_takes_at_most_5_percent_more_virtual_time_than_the_spec_floor_plus_the_slowest_quiesce(int quiesceMs)
    {
        var r = RecoveryLatency.Measure(SimTime.FromMilliseconds(quiesceMs));
        Assert.True(r.Latency >= r.Floor, $"latency {r.Latency} below the floor {r.Floor}: a wait was skipped");
        Assert.True(r.Ratio <= 1.05, $"latency {r.Latency} vs floor {r.Floor}: ratio {r.Ratio:0.000}");
    }

    [Fact]
    public void The_floor_is_the_owners_waits_trst_link_training_seen_from_below_and_the_readiness_delay()
    {
        using var rig = new RecoveryRig();
        rig.Assign(RecoveryRig.A, new DomainId(1), GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        rig.Run(1);
        rig.RaiseNative(RecoveryRig.A, AerCapability.MalformedTlp);
        rig.Run(1000);
        var floor = rig.Coordinator.History.Single().SpecMinimum;
        // Vote at 20 µs, quiesced at 30 ms, slot_reset answered 20 µs after it was asked.
        Assert.Equal(SimTime.FromMicroseconds(30_020), floor.OwnerWaits);
        // The link trains in 5 ms; the 1 ms poll last saw it down at 4 ms: the floor never counts our polling.
        Assert.Equal(SimTime.FromMilliseconds(4), floor.LinkTraining);
        Assert.Equal(SimTime.FromMilliseconds(100), floor.Readiness);
        Assert.Equal(SimTime.FromMicroseconds(135_020), floor.Total);
        var complete = rig.Sink.OfKind(EventKinds.RecoveryComplete).Single();
        Assert.Equal(SimTime.FromMicroseconds(136_020), complete.Time - rig.Sink.OfKind(EventKinds.ErrorDetected).First().Time);
    }

    [Fact]
    public void Without_a_reset_the_floor_is_the_owners_answers_alone()
    {
        using var rig = new RecoveryRig();
        rig.Assign(RecoveryRig.A, new DomainId(1), GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(30)));
        rig.Run(1);
        rig.RaiseNative(RecoveryRig.A, AerCapability.CompletionTimeout);
        rig.Run(1000);
        var floor = rig.Coordinator.History.Single().SpecMinimum;
        Assert.False(floor.Reset);
        Assert.Equal(SimTime.FromMicroseconds(40), floor.Total); // error_detected and mmio_enabled, 20 µs each
    }
}
