using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class NativeRecoveryScenarioTests
{
    private static readonly DomainId D1 = new(1), D2 = new(2), D3 = new(3);

    private static SimTime T(RecoveryRig rig, string kind, Sbdf? device = null) =>
        rig.Sink.Events.First(e => e.Kind == kind && (device is null || e.Device == device)).Time;

    [Fact]
    public void Fatal_error_on_a_shared_bus_resets_it_after_every_owner_quiesced_and_gives_every_device_back()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        var g2 = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(50), bySbrWrite: false));
        var hw = rig.Assign(C, DomainId.Hardware, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)), GuestNotificationStyle.ChannelOnly);
        var g3 = rig.Assign(D, D3, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)));
        rig.Run(5);

        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);

        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Empty(rig.Sink.OfKind(EventKinds.RecoveryFailed));
        foreach (var f in new[] { A, B, C }) Assert.Contains(rig.Sink.OfKind(EventKinds.OwnerResumed), e => e.Device == f);
        Assert.Empty(g3.Received); // the owner on the other root port is never disturbed
        Assert.Contains(rig.Iommu.ReachedMemory, m => m.StreamId == D.RequesterId.Value && m.Time > T(rig, EventKinds.DmaBlocked) && m.Time < T(rig, EventKinds.DmaUnblocked));

        // The order of the recovery, and the spec's minimum waits.
        var quiesced = rig.Sink.OfKind(EventKinds.OwnerQuiesced).Max(e => e.Time);
        Assert.True(quiesced <= T(rig, EventKinds.DmaBlocked));
        Assert.True(T(rig, EventKinds.DmaBlocked) <= T(rig, EventKinds.SbrAssert));
        Assert.True(T(rig, EventKinds.SbrDeassert) - T(rig, EventKinds.SbrAssert) >= SimTime.FromMilliseconds(1));
        Assert.True(T(rig, EventKinds.DeviceReady) - T(rig, EventKinds.SbrDeassert) >= rig.Fabric.LinkTrainTime + SimTime.FromMilliseconds(100));
        Assert.True(T(rig, EventKinds.ConfigRestored) < T(rig, EventKinds.DmaUnblocked));
        Assert.True(T(rig, EventKinds.DmaUnblocked) <= T(rig, EventKinds.OwnerResumed));

        // Option (b): the guest read its virtual AER registers and cleared only those. An ERR_FATAL
        // from an endpoint may come over a dead link, so its registers were not read (aer.c): the guest
        // sees a fatal message from its device with no status bits.
        var seen = Assert.Single(g1.AerSeen);
        Assert.NotEqual(0u, seen.RootStatus & AerCapability.FatalMessagesReceived);
        Assert.Equal((uint)new Sbdf(0, 1, 0, 0).RequesterId.Value << 16, seen.SourceId);
        Assert.Equal(0u, seen.UncorStatus);
        Assert.Equal(0u, rig.VirtualPci.VirtualConfig(D1, TestVirtualPci.VirtualRootPort).Read(FabricConfigSpaces.AerAt + AerCapability.RootErrorStatus, 4));
        Assert.Equal(2, rig.VirtualPci.TrappedSbrWrites); // g1 and d0 quiesced by a trapped SBR write, g2 by the call
        Assert.Equal(1, g2.QuiesceSignals);
        Assert.Equal(1, hw.QuiesceSignals);

        // Config came back from the saved copy; the AER status of the reset device was cleared.
        foreach (var f in new[] { A, B, C })
        {
            Assert.Equal(0xE000_0000 + ((uint)(f.RequesterId.Value & 0xFF) << 24), rig.Fabric[f].Config.Read(ConfigHeader.Bar0, 4));
            Assert.Equal((uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster), rig.Fabric[f].Config.Read(ConfigHeader.Command, 2));
            Assert.Equal(0u, rig.Fabric[f].Config.Read(FabricConfigSpaces.AerAt + AerCapability.UncorrectableStatus, 4));
        }
        Assert.Equal(0u, rig.Fabric[Rp1].Config.Read(FabricConfigSpaces.AerAt + AerCapability.RootErrorStatus, 4));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Non_fatal_error_that_every_owner_can_recover_from_needs_no_reset()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Run(500);

        Assert.Empty(rig.Sink.OfKind(EventKinds.SbrAssert));
        Assert.Empty(rig.Sink.OfKind(EventKinds.DmaBlocked));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Equal([GuestRequestKind.ErrorDetected, GuestRequestKind.MmioEnabled, GuestRequestKind.Resume], g1.Received.Select(r => r.Kind));
        // A non-fatal error's registers are read, so the guest sees them in its shadow AER (option (b)).
        Assert.Equal(AerCapability.CompletionTimeout, Assert.Single(g1.AerSeen).UncorStatus);
        // Natively the hypervisor clears the status the error left (pci_aer_clear_nonfatal_status).
        Assert.Equal(0u, rig.Fabric[A].Config.Read(FabricConfigSpaces.AerAt + AerCapability.UncorrectableStatus, 4));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Non_fatal_error_resets_the_bus_when_one_owner_needs_a_reset()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)));
        rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Run(1000);

        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        // The owner that could recover is told of the reset by slot_reset (Linux would skip it).
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.SlotReset);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_silent_owner_counts_as_need_reset_the_reset_goes_ahead_and_only_its_device_is_quarantined()
    {
        using var rig = new RecoveryRig();
        var silent = rig.Assign(A, D1, GuestDriverProfile.Silent());
        var good = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);

        Assert.True(T(rig, EventKinds.SbrAssert) - T(rig, EventKinds.ErrorDetected) <= rig.Options.VoteTimeout + SimTime.FromMilliseconds(1));
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.Contains(silent.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        Assert.Contains(good.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.False(rig.Owners.Quarantined.ContainsKey(B));
        Assert.Equal(IommuContextKind.Blocked, rig.Iommu.ContextOf(A.RequesterId.Value).Kind);
        Assert.Equal(IommuContext.For(D2), rig.Iommu.ContextOf(B.RequesterId.Value));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_slow_owner_within_the_timeout_recovers()
    {
        using var rig = new RecoveryRig();
        var slow = rig.Assign(A, D1, GuestDriverProfile.Slow(SimTime.FromMilliseconds(60), SimTime.FromMilliseconds(40)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Contains(slow.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Empty(rig.Owners.Quarantined);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_slow_owner_beyond_the_timeout_is_treated_as_silent_and_its_late_answer_ignored()
    {
        using var rig = new RecoveryRig();
        var slow = rig.Assign(A, D1, GuestDriverProfile.Slow(SimTime.FromMilliseconds(150), SimTime.FromMilliseconds(10)));
        rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.True(rig.Coordinator.LateOrUnknownReplies >= 1);
        Assert.Contains(slow.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void An_owner_without_an_error_handler_loses_its_device_but_the_other_owner_recovers()
    {
        using var rig = new RecoveryRig();
        var none = rig.Assign(A, D1, GuestDriverProfile.NoHandler());
        var good = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)));
        rig.Run(1);
        rig.RaiseNative(B, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.Contains(none.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        Assert.Contains(good.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void An_owner_answering_disconnect_is_told_of_a_virtual_surprise_removal()
    {
        using var rig = new RecoveryRig();
        var gone = rig.Assign(A, D1, GuestDriverProfile.Disconnect());
        rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.Contains(gone.Received, r => r.Kind == GuestRequestKind.DeviceRemoved);
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Dma_that_continues_after_an_owner_said_it_quiesced_never_reaches_memory_during_the_reset()
    {
        using var rig = new RecoveryRig();
        rig.Assign(A, D1, GuestDriverProfile.DmaAfterQuiesce(SimTime.FromMilliseconds(5)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(1000);
        Assert.True(rig.Iommu.FaultCount > 0);
        var unblocked = Assert.Single(rig.Sink.OfKind(EventKinds.DmaUnblocked));
        Assert.True((int)rig.Sink.Detail(unblocked, "faults_while_blocked")! > 0);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_device_never_ready_after_the_reset_is_marked_broken_and_the_others_recover()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        var g2 = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.Fabric[A].NeverReady = true;
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(2000);
        Assert.True(rig.Owners.Broken.ContainsKey(A));
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        Assert.Contains(g2.Received, r => r.Kind == GuestRequestKind.Resume);
        var quarantined = rig.Sink.OfKind(EventKinds.DeviceQuarantined).Single(e => e.Device == A);
        Assert.True(quarantined.Time - T(rig, EventKinds.SbrDeassert) <= rig.Options.ReadinessLimit);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_bus_whose_link_never_returns_ends_in_virtual_surprise_removal_for_every_owner()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        var g2 = rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.SurpriseDownError);
        foreach (var f in new[] { A, B, C }) rig.Fabric[f].Removed = true;
        rig.Run(2000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryFailed));
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.DeviceRemoved);
        Assert.Contains(g2.Received, r => r.Kind == GuestRequestKind.DeviceRemoved);
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrDeassert));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_second_error_after_the_reset_started_fails_the_recovery_and_marks_the_scope_broken()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(60); // reset done, waiting for readiness
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrDeassert));
        rig.Fabric[Rp1].Config.SetBits(FabricConfigSpaces.AerAt + AerCapability.UncorrectableStatus, 4, AerCapability.SurpriseDownError);
        rig.Fabric.InjectUncorrectable(Rp1, AerCapability.SurpriseDownError);
        rig.Gic.Raise(Rp1Spi);
        rig.Run(2000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryFailed));
        Assert.True(rig.Owners.Broken.ContainsKey(A));
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_second_error_before_the_reset_is_absorbed_by_the_same_recovery()
    {
        using var rig = new RecoveryRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(5);
        rig.RaiseNative(B, AerCapability.CompletionTimeout);
        rig.Run(1000);
        Assert.Single(rig.Coordinator.History);
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Equal(2, rig.Sink.OfKind(EventKinds.ErrorDetected).Count());
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_function_failing_again_before_the_reset_is_quarantined_alone_and_the_other_owner_recovers()
    {
        using var rig = new RecoveryRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        rig.Assign(B, D2, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(5);
        rig.Loop.RunFor(new SimTime(100_000)); // off the DMA generator's 250 µs grid, so no DMA shares the quarantine's instant
        rig.RaiseNative(A, AerCapability.CompletionTimeout);
        rig.Run(1000);
        Assert.True(rig.Owners.Quarantined.ContainsKey(A));
        Assert.False(rig.Owners.Quarantined.ContainsKey(B));
        Assert.False(rig.Owners.Broken.ContainsKey(B));
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Contains(rig.Sink.OfKind(EventKinds.OwnerResumed), e => e.Device == B);
        Assert.DoesNotContain(rig.Sink.OfKind(EventKinds.OwnerResumed), e => e.Device == A);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void The_same_scenario_gives_a_byte_identical_timeline()
    {
        static string Run()
        {
            using var rig = new RecoveryRig();
            rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(30)));
            rig.Assign(B, D2, GuestDriverProfile.Silent());
            rig.Run(1);
            rig.RaiseNative(A, AerCapability.MalformedTlp);
            rig.Run(1000);
            return string.Join("\n", rig.Sink.Events.Select(e => $"{e.Time.Nanoseconds} {e.Kind} {e.Device} {e.Domain} {e.Text} {Bridgekeeper.Hypervisor.RasLog.SqliteRasLog.DetailsJson(e.Details)}"));
        }
        Assert.Equal(Run(), Run());
    }
}
