using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>
/// Issue 6: an error at an RCiEP, reported through the Root Complex Event Collector of its root bus
/// (PCIe Base 6.0 §6.2.4.1), is recovered by FLR of that function alone (§6.6.2), as Linux's
/// <c>pcie_do_recovery</c> with <c>aer_root_reset</c> does; on the built-in Arm server (the HiSilicon
/// ZIP RCiEP at 00:1e.0 with Immediate Readiness, the RCEC at 00:1f.0).
/// </summary>
public sealed class RcecRecoveryTests
{
    private static readonly DomainId Guest = new(1);

    private static SimulatedRecoveryRig ArmServer(out Sbdf zip)
    {
        var rig = new SimulatedRecoveryRig(BuiltInPlatforms.ArmServerYaml);
        rig.EnableNativeAer();
        zip = rig["zip"];
        // What the owner's driver set up: memory decoding and bus mastering on.
        rig.Machine.Config.Write(zip, ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster | ConfigHeader.CommandSerrEnable);
        return rig;
    }

    [Fact]
    public void An_rciep_and_an_rcec_are_reset_alone_by_flr_and_the_rcec_collects_for_the_rciep()
    {
        using var rig = ArmServer(out var zip);
        var rcec = rig["rcec"];
        Assert.True(rig.View.ScopeOf(zip).IsFunctionLevel);
        Assert.Equal([zip], rig.View.ScopeOf(zip).Functions.ToArray());
        Assert.True(rig.View.ScopeOf(rcec).IsFunctionLevel);
        Assert.Equal([zip], rig.View.FunctionsBelow(rcec).ToArray());
        Assert.False(rig.View.ScopeOf(rig["nvme0"]).IsFunctionLevel);
    }

    [Fact]
    public void A_fatal_error_at_the_rciep_comes_through_the_rcec_and_is_recovered_by_flr_not_sbr()
    {
        using var rig = ArmServer(out var zip);
        var guest = rig.Assign("zip", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2), bySbrWrite: false));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Machine.InjectAerError(zip, AerCapability.MalformedTlp, correctable: false);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        rig.AssertNoEarlyConfigRequest();

        var detected = rig.Single(EventKinds.ErrorDetected);
        Assert.Equal(zip, detected.Device);
        Assert.Equal("fatal", rig.Sink.Detail(detected, "severity"));
        Assert.Empty(rig.Sink.OfKind(EventKinds.SbrAssert));
        var flr = rig.Single(EventKinds.FlrInitiated, zip);
        // Quiesced 2 ms after error_detected, DMA blocked, then the FLR at once (no transactions pending).
        Assert.Equal(SimTime.FromMilliseconds(3), flr.Time);
        Assert.Equal(SimTime.FromMilliseconds(3), rig.Single(EventKinds.OwnerQuiesced, zip).Time);
        Assert.Equal(SimTime.FromMilliseconds(3), rig.Single(EventKinds.DmaBlocked, zip).Time);
        Assert.True(rig.Sink.Events.IndexOf(rig.Single(EventKinds.DmaBlocked, zip)) < rig.Sink.Events.IndexOf(flr));
        // Immediate Readiness: ready and restored at the FLR's instant; Command (cleared by the FLR) is back.
        Assert.Equal(SimTime.FromMilliseconds(3), rig.Single(EventKinds.DeviceReady, zip).Time);
        Assert.Equal(SimTime.FromMilliseconds(3), rig.Single(EventKinds.ConfigRestored, zip).Time);
        Assert.Equal((uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster),
            rig.Machine.Config.Read(zip, ConfigHeader.Command, 2) & (ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster));
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Contains(guest.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Equal(IommuContext.For(Guest), rig.Machine.Iommu.ContextOf(zip.RequesterId.Value));
        var floor = rig.Coordinator.History.Single().SpecMinimum;
        Assert.Equal(SimTime.Zero, floor.Hold + floor.LinkTraining + floor.Readiness);
    }

    [Fact]
    public void The_flr_reaches_the_device_and_the_restore_clears_the_logged_error_after_it()
    {
        using var rig = ArmServer(out var zip);
        rig.Assign("zip", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2), bySbrWrite: false));
        var f = rig.Machine["zip"];
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Machine.InjectAerError(zip, AerCapability.MalformedTlp, correctable: false);
        rig.RunUntil(SimTime.FromMilliseconds(2));
        Assert.NotEqual(0u, rig.Machine.Config.Read(zip, f.AerCapability + AerCapability.UncorrectableStatus, 4)); // logged (sticky)
        Assert.Equal(SimTime.Zero, f.ReadyAt);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        rig.AssertNoEarlyConfigRequest();
        // The simulated function went through its FLR at 3 ms (Configuration-Ready again at once: Immediate Readiness) ...
        Assert.Equal(SimTime.FromMilliseconds(3), f.ReadyAt);
        // ... and the restore cleared the sticky status the FLR kept (pci_restore_aer_state order).
        Assert.Equal(0u, rig.Machine.Config.Read(zip, f.AerCapability + AerCapability.UncorrectableStatus, 4));
    }

    [Fact]
    public void An_rcec_without_flr_cannot_be_reset_and_its_owner_loses_it()
    {
        using var rig = ArmServer(out _);
        var rcec = rig["rcec"];
        var guest = rig.Assign("rcec", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2), bySbrWrite: false));
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Raise("rcec", ErrorSeverity.Fatal);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        rig.AssertNoEarlyConfigRequest();
        Assert.Empty(rig.Sink.OfKind(EventKinds.FlrInitiated));
        var failed = rig.Single(EventKinds.RecoveryFailed);
        Assert.Contains("FLR", (string)rig.Sink.Detail(failed, "reason")!);
        Assert.True(rig.Owners.Quarantined.ContainsKey(rcec));
        Assert.Contains(guest.Received, r => r.Kind == GuestRequestKind.PermanentFailure);
    }

    [Fact]
    public void An_rciep_never_ready_after_its_flr_is_given_up_at_the_limit_having_been_read_only_at_vendor_id()
    {
        // Campaign seeds 105, 1089 and others: the give-up check read the RCiEP's own Link registers
        // (as if it were the bridge of its scope) while it still answered RRS.
        using var rig = ArmServer(out var zip);
        rig.Assign("zip", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2), bySbrWrite: false));
        rig.Machine.SetNeverReady(zip);
        rig.RunUntil(SimTime.FromMilliseconds(1));
        rig.Machine.InjectAerError(zip, AerCapability.MalformedTlp, correctable: false);
        rig.RunUntil(SimTime.FromMilliseconds(2000));
        rig.AssertNoEarlyConfigRequest();
        Assert.Equal(SimTime.FromMilliseconds(1003), rig.Single(EventKinds.RecoveryFailed).Time); // 1 s after the FLR at 3 ms
        Assert.True(rig.Owners.Broken.ContainsKey(zip));
    }
}
