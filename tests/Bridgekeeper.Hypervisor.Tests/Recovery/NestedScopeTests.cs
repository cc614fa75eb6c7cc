using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>
/// Issue 6: reset scopes that nest. On the built-in Arm server, root port rp0 (00:01.0) has a PEX 8747
/// switch below it (USP 01:00.0, DSPs 02:00-02.0) with nvme0, nvme1 and nic2 below the DSPs.
/// </summary>
public sealed class NestedScopeTests
{
    private static readonly DomainId D1 = new(1), D2 = new(2);

    private static SimulatedRecoveryRig ArmServer() => new(BuiltInPlatforms.ArmServerYaml);

    [Fact]
    public void A_reset_of_a_root_port_with_a_switch_below_brings_the_buses_up_top_down_and_every_owner_recovers()
    {
        using var rig = ArmServer();
        var g1 = rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        var g2 = rig.Assign("nvme1", D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(3)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("usp", ErrorSeverity.Fatal); // the switch's upstream port: the root port's SBR resets all of it
        rig.RunUntil(SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        Assert.Equal(rig["rp0"], rig.Single(EventKinds.SbrAssert).Device);
        var complete = rig.Single(EventKinds.RecoveryComplete);
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Contains(g2.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Empty(rig.Sink.OfKind(EventKinds.DeviceQuarantined));
        // Top-down: the USP is restored before any DSP is polled, each DSP before what is below it.
        int Restored(string name) => rig.Sink.Events.FindIndex(e => e.Kind == EventKinds.ConfigRestored && e.Device == rig[name]);
        int Ready(string name) => rig.Sink.Events.FindIndex(e => e.Kind == EventKinds.DeviceReady && e.Device == rig[name]);
        Assert.True(Restored("usp") < Ready("dsp0"));
        Assert.True(Restored("dsp0") < Ready("nvme0"));
        Assert.True(Restored("dsp1") < Ready("nvme1"));
        // The bus numbers are back, so the SSDs answer at their own addresses again.
        Assert.Equal(0x144Du, rig.Machine.Config.Read(rig["nvme0"], 0, 2));
        Assert.Equal(0x144Du, rig.Machine.Config.Read(rig["nvme1"], 0, 2));
        // rp0 trains in 35 ms (Gen4): link up at 40 ms, the USP and its DSPs ready and restored 100 ms
        // later; the DSP links were up by then (seen at 140 ms), so both SSDs 100 ms after that, in parallel.
        Assert.Equal(SimTime.FromMilliseconds(5), rig.Single(EventKinds.SbrDeassert).Time);
        Assert.Equal(SimTime.FromMilliseconds(140), rig.Single(EventKinds.ConfigRestored, rig["usp"]).Time);
        Assert.Equal(SimTime.FromMilliseconds(240), rig.Single(EventKinds.DeviceReady, rig["nvme0"]).Time);
        Assert.Equal(SimTime.FromMilliseconds(240), rig.Single(EventKinds.DeviceReady, rig["nvme1"]).Time);
        Assert.Equal(SimTime.FromMicroseconds(240_020), complete.Time);
    }
    private static int SbrCount(SimulatedRecoveryRig rig, string bridge) => rig.Sink.OfKind(EventKinds.SbrAssert).Count(e => e.Device == rig[bridge]);

    [Fact]
    public void An_error_at_the_switch_while_a_port_below_still_waits_for_its_owner_takes_that_recovery_over_one_reset_for_both()
    {
        using var rig = ArmServer();
        var g1 = rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        var g2 = rig.Assign("nvme1", D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("nvme0", ErrorSeverity.Fatal);   // scope: dsp0 and nvme0
        rig.RunUntil(SimTime.FromMilliseconds(2));
        rig.Raise("usp", ErrorSeverity.Fatal);     // scope: rp0 and the whole switch, covering dsp0's
        rig.RunUntil(SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        Assert.Equal(0, SbrCount(rig, "dsp0"));
        Assert.Equal(1, SbrCount(rig, "rp0"));
        var merged = rig.Single(EventKinds.RecoveryMerged);
        Assert.Equal(rig["dsp0"], merged.Device);
        Assert.Equal(SimTime.FromMilliseconds(2), merged.Time);
        // d1 was asked error_detected once (by the inner recovery); its vote and quiesce count for the outer one.
        Assert.Single(g1.Received, r => r.Kind == GuestRequestKind.ErrorDetected);
        Assert.Single(g2.Received, r => r.Kind == GuestRequestKind.ErrorDetected);
        Assert.Equal(2, rig.Sink.OfKind(EventKinds.OwnerVote).Count(e => rig.Sink.Detail(e, "step") as string == "AwaitingDetectedVotes"));
        // The one reset waits for the slower owner (d1 quiesces 20 ms after its error, at 21 ms).
        var sbr = rig.Single(EventKinds.SbrAssert);
        Assert.Equal(SimTime.FromMilliseconds(21), sbr.Time);
        Assert.All(rig.Sink.OfKind(EventKinds.OwnerQuiesced), q => Assert.True(q.Time <= sbr.Time));
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Contains(g2.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Equal([RecoveryState.Superseded, RecoveryState.Complete], rig.Coordinator.History.Select(h => h.State).ToArray());
        Assert.Empty(rig.Sink.OfKind(EventKinds.DeviceQuarantined));
    }

    [Fact]
    public void An_owner_answer_still_outstanding_when_its_recovery_is_taken_over_counts_for_the_outer_one()
    {
        using var rig = ArmServer();
        var g1 = rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("nvme0", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMicroseconds(1_010)); // d1 answers at 1.020 ms: its request is still open
        rig.Raise("usp", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(3000));

        Assert.Equal(0, rig.Coordinator.LateOrUnknownReplies);
        Assert.Single(g1.Received, r => r.Kind == GuestRequestKind.ErrorDetected);
        var vote = rig.Sink.OfKind(EventKinds.OwnerVote).First(e => e.Device == rig["nvme0"]);
        Assert.Equal(rig["usp"].ToString(), rig.Sink.Detail(vote, "recovery")); // answered to the outer recovery
        Assert.Equal(SimTime.FromMilliseconds(21), rig.Single(EventKinds.SbrAssert).Time);
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.Resume);
    }

    [Fact]
    public void An_error_at_the_switch_while_a_port_below_is_already_in_reset_waits_for_it_and_then_resets_the_switch()
    {
        using var rig = ArmServer();
        var g1 = rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("nvme0", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(10)); // dsp0's SBR went out at 3 ms
        rig.Raise("usp", ErrorSeverity.Fatal);
        Assert.Single(rig.Coordinator.Deferred);
        rig.RunUntil(SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        var sbrs = rig.Sink.OfKind(EventKinds.SbrAssert).ToList();
        Assert.Equal([rig["dsp0"], rig["rp0"]], sbrs.Select(e => e.Device!.Value).ToArray());
        var first = rig.Sink.OfKind(EventKinds.RecoveryComplete).First();
        Assert.Equal(rig["dsp0"], first.Device);
        Assert.True(sbrs[1].Time > first.Time, "the switch reset must not overlap the port's recovery");
        Assert.Empty(rig.Coordinator.Deferred);
        Assert.Equal(2, rig.Sink.OfKind(EventKinds.RecoveryComplete).Count());
        Assert.Equal(2, g1.Received.Count(r => r.Kind == GuestRequestKind.Resume));
    }

    [Fact]
    public void A_waiting_error_starts_as_soon_as_the_recovery_it_waits_for_ends_even_on_a_timer()
    {
        // nvme0's owner never answers: its recovery resets after the vote timeout and ends inside a
        // readiness-poll timer with nobody left to answer slot_reset; the switch's error waits for it.
        using var rig = ArmServer();
        rig.Assign("nvme0", D1, GuestDriverProfile.Silent());
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("nvme0", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(110)); // the vote timed out at 101 ms: dsp0 is in reset
        rig.Raise("usp", ErrorSeverity.Fatal);
        Assert.Single(rig.Coordinator.Deferred);
        rig.RunUntil(SimTime.FromMilliseconds(3000));

        var ends = rig.Sink.Events.Where(e => e.Kind is EventKinds.RecoveryComplete or EventKinds.RecoveryFailed).ToList();
        Assert.Equal([rig["dsp0"], rig["rp0"]], ends.Select(e => e.Device!.Value).ToArray());
        var rootSbr = rig.Single(EventKinds.SbrAssert, rig["rp0"]);
        Assert.Equal(ends[0].Time, rootSbr.Time); // started the moment the first ended (nobody to wait for)
        Assert.Empty(rig.Coordinator.Deferred);
    }

    [Fact]
    public void An_error_below_the_switch_while_the_root_port_recovers_joins_that_recovery()
    {
        using var rig = ArmServer();
        var g1 = rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        var g2 = rig.Assign("nvme1", D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("usp", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(2));
        rig.Raise("nvme1", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert));
        Assert.Single(rig.Coordinator.History);
        Assert.Single(g2.Received, r => r.Kind == GuestRequestKind.ErrorDetected);
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Contains(g2.Received, r => r.Kind == GuestRequestKind.Resume);
    }

    [Fact]
    public void Two_recoveries_running_at_once_name_their_own_first_error_on_every_event()
    {
        using var rig = ArmServer();
        rig.Assign("nvme0", D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        rig.Assign("nvme10", D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(7)));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("nvme0", ErrorSeverity.Fatal);
        rig.Raise("nvme10", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(3000));

        var recoveryEvents = rig.Sink.Events.Where(e => e.Kind != EventKinds.ErrorDetected).ToList();
        Assert.Equal(2, rig.Sink.OfKind(EventKinds.RecoveryComplete).Count());
        foreach (var e in recoveryEvents)
        {
            string expected = e.Device is { Segment: 1 } ? rig["nvme10"].ToString() : rig["nvme0"].ToString();
            Assert.Equal(expected, rig.Sink.Detail(e, "recovery"));
        }
    }
}
