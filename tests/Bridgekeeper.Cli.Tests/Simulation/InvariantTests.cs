using Bridgekeeper.Cli.Simulation.Invariants;
using Bridgekeeper.Cli.Tests.Report;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Tests.Simulation;

public class InvariantTests
{
    private static readonly Sbdf Nvme = SyntheticRun.Nvme;

    private static SimulationObservations Logged(params (long Us, Sbdf Device)[] dma) => new(
        [.. dma.Select(d => new DmaObservation(SimTime.FromMicroseconds(d.Us), d.Device, true))],
        [],
        [new LoggedErrorView(SimTime.FromMilliseconds(50), Nvme)]);

    [Fact]
    public void A_clean_recovery_breaks_nothing()
    {
        Assert.Empty(InvariantSet.Check(SyntheticRun.Events(), Logged((50_005, Nvme), (160_000, Nvme))));
    }

    [Fact]
    public void Dma_reaching_memory_inside_the_blocked_window_is_a_break()
    {
        var breaks = InvariantSet.Check(SyntheticRun.Events(), Logged((100_000, Nvme)));
        var b = Assert.Single(breaks);
        Assert.Equal("no-dma-while-blocked", b.Invariant);
        Assert.Equal(Nvme, b.Device);
    }

    [Fact]
    public void Dma_that_the_iommu_faulted_is_not_a_break()
    {
        var observed = Logged() with { Dma = [new DmaObservation(SimTime.FromMilliseconds(100), Nvme, false)] };
        Assert.Empty(InvariantSet.Check(SyntheticRun.Events(), observed));
    }

    [Fact]
    public void Reset_before_the_owner_quiesced_is_a_break()
    {
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        var b = Assert.Single(InvariantSet.Check(events, Logged()));
        Assert.Equal("sbr-after-owners-quiesced", b.Invariant);
        Assert.Contains("d1", b.Detail);
    }

    [Fact]
    public void An_flr_before_the_owner_quiesced_is_a_break_like_an_sbr()
    {
        // An RCiEP's scope is the function itself, reset by FLR (flr-initiated on the function).
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced)
            .Select(e => e.Kind == EventKinds.SbrAssert ? e with { Kind = EventKinds.FlrInitiated, Device = Nvme } : e).ToList();
        var b = Assert.Single(InvariantSet.Check(events, Logged()), x => x.Invariant == "sbr-after-owners-quiesced");
        Assert.StartsWith("FLR initiated while d1", b.Detail);
    }

    [Fact]
    public void An_owner_that_timed_out_releases_the_reset()
    {
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        int vote = events.FindIndex(e => e.Kind == EventKinds.OwnerVote);
        events[vote] = events[vote] with { Details = [.. events[vote].Details, KeyValuePair.Create<string, object?>("timedOut", true)] };
        Assert.Empty(InvariantSet.Check(events, Logged()));
    }

    [Theory]
    [InlineData("timed_out", true)]
    [InlineData("vote", "timeout")]
    [InlineData("vote", "Disconnect")]
    [InlineData("vote", "NoAerDriver")]
    public void Recovery_timeouts_and_disconnect_as_the_recovery_code_emits_them_release_the_reset(string key, object value)
    {
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        int vote = events.FindIndex(e => e.Kind == EventKinds.OwnerVote);
        events[vote] = events[vote] with { Details = [KeyValuePair.Create<string, object?>("recovery", "r1"), KeyValuePair.Create<string, object?>(key, value)] };
        Assert.Empty(InvariantSet.Check(events, Logged()));
    }

    [Fact]
    public void An_owner_with_no_error_handler_releases_the_reset()
    {
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        int vote = events.FindIndex(e => e.Kind == EventKinds.OwnerVote);
        events[vote] = events[vote] with { Details = [KeyValuePair.Create<string, object?>("vote", RecoveryVote.NoAerDriver)] };
        Assert.Empty(InvariantSet.Check(events, Logged()));
    }

    [Fact]
    public void An_owner_whose_function_was_quarantined_before_the_reset_releases_it()
    {
        // Campaign seed 1037: the function failed again before the reset, was taken from its silent
        // owner (told PermanentFailure, DMA blocked) and quarantined; the owner never quiesced.
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        int sbr = events.FindIndex(e => e.Kind == EventKinds.SbrAssert);
        Assert.Single(InvariantSet.Check(events, Logged()));
        events.Insert(sbr, TimelineEvent.Of(events[sbr].Time, EventKinds.DeviceQuarantined, Nvme, SyntheticRun.Guest, "another error during recovery"));
        Assert.Empty(InvariantSet.Check(events, Logged()));
    }

    [Fact]
    public void A_quarantine_logged_for_another_domain_does_not_release_the_owner()
    {
        var events = SyntheticRun.Events().Where(e => e.Kind != EventKinds.OwnerQuiesced).ToList();
        int sbr = events.FindIndex(e => e.Kind == EventKinds.SbrAssert);
        events.Insert(sbr, TimelineEvent.Of(events[sbr].Time, EventKinds.DeviceQuarantined, Nvme, new DomainId(7), "another error during recovery"));
        Assert.Contains(InvariantSet.Check(events, Logged()), b => b.Invariant == "sbr-after-owners-quiesced");
    }

    [Fact]
    public void An_owner_waiting_in_another_reset_scope_does_not_hold_up_this_reset()
    {
        // A second recovery on Nic0 (below the upstream port, not below the downstream port) told d2, who has not quiesced.
        var events = SyntheticRun.Events();
        var other = new DomainId(2);
        events.Insert(2, TimelineEvent.Of(SimTime.FromMicroseconds(50_015), EventKinds.OwnerNotified, SyntheticRun.Nic0, other, "told"));
        var below = Logged() with { IsBelow = (bridge, f) => bridge == SyntheticRun.Downstream ? f == Nvme : f != SyntheticRun.RootPort };
        Assert.Empty(InvariantSet.Check(events, below));

        // Without scope knowledge (or if the reset were of the upstream port's bus) it would be a break naming d2.
        var b = Assert.Single(InvariantSet.Check(events, Logged()), x => x.Invariant == "sbr-after-owners-quiesced");
        Assert.Contains("d2", b.Detail);
    }

    [Theory]
    [InlineData(0x00, 4, false, false)]  // readiness poll of Vendor ID: allowed
    [InlineData(0x04, 2, true, true)]    // Command write while not ready
    [InlineData(0x10, 4, false, true)]   // BAR read while not ready
    public void Only_the_vendor_id_poll_may_reach_a_function_that_is_not_ready(int offset, int size, bool write, bool breaks)
    {
        var observed = Logged() with { ConfigRequests = [new ConfigRequestObservation(SimTime.FromMilliseconds(60), Nvme, offset, size, write, DeviceReady: false)] };
        Assert.Equal(breaks, InvariantSet.Check(SyntheticRun.Events(), observed).Any(b => b.Invariant == "config-only-when-ready"));
    }

    [Fact]
    public void An_error_missing_from_the_ras_log_is_a_break()
    {
        var b = Assert.Single(InvariantSet.Check(SyntheticRun.Events(), Logged() with { LoggedErrors = [] }));
        Assert.Equal("every-error-logged", b.Invariant);
    }
}
