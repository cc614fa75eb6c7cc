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
}
