using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>Issue 6: an owner that could recover is still warned and waited for when another owner's vote resets the scope.</summary>
public sealed class ResetPendingTests
{
    private static readonly DomainId D1 = new(1), D2 = new(2);

    private static SimTime T(RecoveryRig rig, string kind, Sbdf? device = null) =>
        rig.Sink.Events.First(e => e.Kind == kind && (device is null || e.Device == device)).Time;

    [Fact]
    public void Non_fatal_reset_waits_for_the_can_recover_owner_to_quiesce_as_well_as_the_need_reset_owner()
    {
        using var rig = new RecoveryRig();
        // The CAN_RECOVER owner needs longer to stop than the one that asked for the reset.
        var canRecover = rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(80)));
        var needReset = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Run(1000);

        Assert.Equal([GuestRequestKind.ErrorDetected, GuestRequestKind.ResetPending], canRecover.Received.Take(2).Select(r => r.Kind));
        Assert.DoesNotContain(needReset.Received, r => r.Kind == GuestRequestKind.ResetPending); // it stops on its own vote
        Assert.Equal(1, canRecover.QuiesceSignals);
        Assert.Equal(1, needReset.QuiesceSignals);
        var sbr = T(rig, EventKinds.SbrAssert);
        Assert.True(T(rig, EventKinds.OwnerQuiesced, A) <= sbr);
        Assert.True(T(rig, EventKinds.OwnerQuiesced, B) <= sbr);
        Assert.DoesNotContain(rig.Sink.OfKind(EventKinds.OwnerQuiesced), e => e.Details.Any(d => d.Key == "timed_out" && d.Value is true));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Contains(canRecover.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Contains(needReset.Received, r => r.Kind == GuestRequestKind.Resume);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Non_fatal_reset_goes_ahead_after_the_quiesce_timeout_when_the_can_recover_owner_never_stops()
    {
        using var rig = new RecoveryRig();
        // Answers CAN_RECOVER but would need longer than the quiesce timeout to stop after ResetPending.
        var stuck = rig.Assign(A, D1, GuestDriverProfile.CanRecover(rig.Options.QuiesceTimeout + rig.Options.QuiesceTimeout + rig.Options.QuiesceTimeout));
        var needReset = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Run(3000);

        Assert.Contains(stuck.Received, r => r.Kind == GuestRequestKind.ResetPending);
        var timedOut = Assert.Single(rig.Sink.OfKind(EventKinds.OwnerQuiesced), e => e.Details.Any(d => d.Key == "timed_out" && d.Value is true));
        Assert.Equal(A, timedOut.Device);
        var sbr = T(rig, EventKinds.SbrAssert);
        Assert.True(timedOut.Time <= sbr);
        Assert.True(sbr - T(rig, EventKinds.OwnerNotified, A) >= rig.Options.QuiesceTimeout);
        // The owner that missed the deadline loses its device; the other recovers.
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.Contains(stuck.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        Assert.Contains(needReset.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.False(rig.Owners.Quarantined.ContainsKey(B));
        RecoveryInvariants.CheckAll(rig);
    }
    [Fact]
    public void An_owner_told_of_a_non_fatal_error_is_warned_when_a_second_error_makes_the_reset_fatal()
    {
        // Campaign seed 1037: A's owner never answers; B's owner answers CAN_RECOVER to the non-fatal
        // error; A then fails again with a fatal error (quarantined alone), so the scope is reset.
        // B's owner was told "non-fatal" and must be warned, not left to time out and lose its device.
        using var rig = new RecoveryRig();
        rig.Assign(A, D1, GuestDriverProfile.Silent());
        var canRecover = rig.Assign(B, D2, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Loop.RunFor(SimTime.FromMicroseconds(10_100)); // between two DMA writes of the guests
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(2000);

        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.Equal([GuestRequestKind.ErrorDetected, GuestRequestKind.ResetPending], canRecover.Received.Take(2).Select(r => r.Kind));
        Assert.Equal(ErrorSeverity.NonFatal, canRecover.Received[0].Severity);
        var sbr = T(rig, EventKinds.SbrAssert);
        var quiesced = rig.Sink.OfKind(EventKinds.OwnerQuiesced).Single(e => e.Device == B);
        Assert.Equal(false, rig.Sink.Detail(quiesced, "timed_out"));
        Assert.True(quiesced.Time <= sbr);
        Assert.Contains(canRecover.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.False(rig.Owners.Quarantined.ContainsKey(B));
        RecoveryInvariants.CheckAll(rig);
    }
}
