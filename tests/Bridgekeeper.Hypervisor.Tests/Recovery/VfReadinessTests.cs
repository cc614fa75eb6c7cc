using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>
/// Issue 6: VFs come back after their PF's VF Enable is restored: 100 ms later (PCIe Base 6.0
/// §9.3.3.3.1), or at once when every VF reported Immediate Readiness; their Vendor ID reads 0xFFFF
/// (§9.3.4.1.1), so there is nothing to poll.
/// </summary>
public sealed class VfReadinessTests
{
    private static readonly DomainId Guest = new(1);

    private static void EnableTwoVfs(SimulatedMachine m)
    {
        var pf = m["cx5"];
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.NumVfs, 2, 2);
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
        m.EventLoop.RunUntil(m.EventLoop.Now + SimTime.FromMilliseconds(100));
    }

    [Fact]
    public void The_vfs_are_touched_exactly_100_ms_after_the_pf_restore_set_vf_enable_again()
    {
        using var rig = new SimulatedRecoveryRig(BuiltInPlatforms.ArmServerYaml, prepare: EnableTwoVfs);
        var vf1 = rig["cx5-vf1"];
        var guest = rig.Assign("cx5-vf1", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        var start = rig.Now; // 100 ms: the VFs were enabled during preparation
        rig.RunUntil(start + SimTime.FromMilliseconds(1));
        rig.Raise("cx5-vf1", ErrorSeverity.Fatal);
        rig.RunUntil(start + SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        // SBR 3..4 ms after start; rp1 (Gen4) link up 35 ms later; the PF (90 ms readiness) sends its DRS
        // Message 90 ms after that (rp1 and cx5 both support DRS), and is restored with VF Enable.
        var pfRestored = rig.Single(EventKinds.ConfigRestored, rig["cx5"]);
        Assert.Equal(start + SimTime.FromMilliseconds(129), pfRestored.Time);
        Assert.Equal(true, rig.Sink.Detail(rig.Single(EventKinds.DeviceReady, rig["cx5"]), "drs"));
        var vfReady = rig.Single(EventKinds.DeviceReady, vf1);
        Assert.Equal(pfRestored.Time + SimTime.FromMilliseconds(100), vfReady.Time);
        Assert.Equal(vfReady.Time, rig.Single(EventKinds.ConfigRestored, vf1).Time);
        // The built-in cx5 also sends FRS (VF Enabled) after its 100 ms: seen at the poll at 100 ms, so
        // the floor counts up to the last poll without it (99 ms).
        Assert.Equal(SimTime.FromMilliseconds(99), rig.Coordinator.History.Single().SpecMinimum.VfEnable);
        Assert.Contains(guest.Received, r => r.Kind == GuestRequestKind.Resume);
        // The VF answers at its address again (its PF re-created it on VF Enable).
        Assert.NotNull(rig.Machine.Find(vf1));
    }

    private static string FrsPlatform(bool frs) => OneRootPortPlatform.Yaml("frs-recovery",
        [$"frs: {(frs ? "true" : "false")}"],
        $"{{ name: cx5, model: mellanox-connectx5, at: \"00.0\", frs: {(frs ? "true" : "false")}, readiness_ms: {{ reset: 20, flr: 3, vf_enable: 20 }} }}");

    [Theory]
    [InlineData(true, 144)]   // the PF's FRS Message (VF Enabled) 20 ms after the restore at 124 ms
    [InlineData(false, 224)]  // no FRS: the 100 ms of §9.3.3.3.1
    public void With_frs_the_vfs_are_touched_when_their_pfs_vf_enabled_message_is_in_the_root_ports_queue(bool frs, int vfReadyMs)
    {
        using var rig = new SimulatedRecoveryRig(FrsPlatform(frs), prepare: EnableTwoVfs);
        var vf1 = rig["cx5-vf1"];
        var guest = rig.Assign("cx5-vf1", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        var start = rig.Now;
        rig.RunUntil(start + SimTime.FromMilliseconds(1));
        rig.Raise("cx5-vf1", ErrorSeverity.Fatal);
        rig.RunUntil(start + SimTime.FromMilliseconds(3000));
        rig.AssertNoEarlyConfigRequest();

        // SBR 3..4 ms, link up at 24 ms, the PF restored (VF Enable) 100 ms later.
        Assert.Equal(start + SimTime.FromMilliseconds(124), rig.Single(EventKinds.ConfigRestored, rig["cx5"]).Time);
        Assert.Equal(start + SimTime.FromMilliseconds(vfReadyMs), rig.Single(EventKinds.DeviceReady, vf1).Time);
        Assert.Contains(guest.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.Equal(SimTime.FromMilliseconds(frs ? 19 : 100), rig.Coordinator.History.Single().SpecMinimum.VfEnable);
    }

    [Fact]
    public void A_vf_that_no_longer_answers_is_not_saved_so_its_all_ones_never_trigger_an_flr_on_restore()
    {
        // Campaign seed 11821: a VF surprise-removed before the error read all ones when recovery saved
        // it; restoring that wrote Device Control bit 15 (Initiate FLR, §7.5.3.4) to the VF its PF
        // re-created, then kept accessing it during its FLR readiness time (§6.6.2).
        using var rig = new SimulatedRecoveryRig(BuiltInPlatforms.ArmServerYaml, prepare: EnableTwoVfs);
        var vf1 = rig["cx5-vf1"];
        var vf2 = rig["cx5-vf2"];
        var guest = rig.Assign("cx5-vf1", Guest, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(2)));
        var start = rig.Now;
        rig.Machine.SurpriseRemove(vf2, reportSurpriseDown: false);
        rig.RunUntil(start + SimTime.FromMilliseconds(1));
        rig.Raise("cx5-vf1", ErrorSeverity.Fatal);
        rig.RunUntil(start + SimTime.FromMilliseconds(3000));

        rig.AssertNoEarlyConfigRequest();
        Assert.DoesNotContain(rig.Sink.Events, e => e.Kind == EventKinds.ConfigRestored && e.Device == vf2);
        Assert.Contains(rig.Sink.Events, e => e.Kind == EventKinds.DeviceQuarantined && e.Device == vf2);
        Assert.Single(rig.Sink.Events, e => e.Kind == EventKinds.ConfigRestored && e.Device == vf1);
        Assert.Contains(guest.Received, r => r.Kind == GuestRequestKind.Resume);
    }

    [Fact]
    public void A_vf_is_saved_by_its_command_status_dword_not_its_vendor_id()
    {
        var pf = new Sbdf(0, 1, 0, 0);
        var present = new Sbdf(0, 1, 0, 1);
        var absent = new Sbdf(0, 1, 0, 2);
        var ecam = new DictionaryEcam([
            new(pf, new ConfigSpaceBuilder(true, 0).Ids(0x15B3, 0x1017, 0, 0x020000).Build()),
            new(present, new ConfigSpaceBuilder(true, 0).Ids(0xFFFF, 0xFFFF, 0, 0x020000).Build()),
        ]);
        var store = new ConfigSnapshotStore(ecam, new CapabilityCache(ecam), aerNative: true);

        Assert.Null(store.GetOrCapture(present)); // Vendor ID 0xFFFF: a VF looks absent by it (§9.3.4.1.1)
        Assert.Equal(present, store.GetOrCaptureVirtualFunction(present)?.Function);
        Assert.Null(store.GetOrCaptureVirtualFunction(absent));
        Assert.Same(store.GetOrCaptureVirtualFunction(present), store.GetOrCaptureVirtualFunction(present));
    }

    private static (List<RecoveryParticipant> Participants, Dictionary<Sbdf, RecoveryParticipant> PfOfVf) PfWithVfs(params bool[] vfImmediateReadiness)
    {
        var pf = new Sbdf(0, 1, 0, 0);
        var configs = new List<FunctionConfig> { new(pf, new ConfigSpaceBuilder(true, 0).Ids(0x15B3, 0x1017, 0, 0x020000).Build()) };
        for (int i = 0; i < vfImmediateReadiness.Length; i++)
        {
            var b = new ConfigSpaceBuilder(true, 0).Ids(0xFFFF, 0xFFFF, 0, 0x020000);
            if (vfImmediateReadiness[i]) b.ImmediateReadiness();
            configs.Add(new(new Sbdf(0, 1, 0, i + 1), b.Build()));
        }
        var ecam = new DictionaryEcam(configs);
        var caps = new CapabilityCache(ecam);
        var participants = configs.Select(c => new RecoveryParticipant(c.Address, null, ConfigSnapshot.Capture(ecam, c.Address, caps.Of(c.Address), true))).ToList();
        var pfOfVf = participants.Skip(1).ToDictionary(p => p.Function, _ => participants[0]);
        return (participants, pfOfVf);
    }

    [Fact]
    public void Vfs_that_all_report_immediate_readiness_need_no_wait_after_vf_enable()
    {
        var (participants, pfOfVf) = PfWithVfs(true, true);
        Assert.Equal(SimTime.Zero, ReadinessPlan.DelayAfterVfEnable(participants, pfOfVf, SimTime.FromMilliseconds(100)));
    }

    [Fact]
    public void One_vf_without_immediate_readiness_keeps_the_100_ms()
    {
        var (participants, pfOfVf) = PfWithVfs(true, false);
        Assert.Equal(SimTime.FromMilliseconds(100), ReadinessPlan.DelayAfterVfEnable(participants, pfOfVf, SimTime.FromMilliseconds(100)));
    }
}
