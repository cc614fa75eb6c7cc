using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>The four invariants every recovery scenario must keep, checked from the timeline and the fakes.</summary>
public static class RecoveryInvariants
{
    public static void CheckAll(RecoveryRig rig)
    {
        NoDmaReachesMemoryWhileBlocked(rig);
        SbrNeverBeforeQuiesce(rig);
        NoConfigRequestBeforeReady(rig);
        EveryErrorIsInTheDatabase(rig);
    }

    /// <summary>Between dma-blocked and dma-unblocked (or forever, for a function that ended quarantined) no DMA of the scope reaches memory.</summary>
    public static void NoDmaReachesMemoryWhileBlocked(RecoveryRig rig)
    {
        var events = rig.Sink.Events;
        foreach (var blocked in events.Where(e => e.Kind == EventKinds.DmaBlocked))
        {
            var bridge = blocked.Device!.Value;
            var end = events.FirstOrDefault(e => e.Kind == EventKinds.DmaUnblocked && e.Device == bridge && e.Time >= blocked.Time)?.Time
                ?? new SimTime(long.MaxValue);
            var scope = rig.Fabric.FunctionsBelow(bridge).Select(f => (uint)f.RequesterId.Value).ToHashSet();
            var leaks = rig.Iommu.ReachedMemory.Where(m => scope.Contains(m.StreamId) && m.Time >= blocked.Time && m.Time < end).ToList();
            Assert.True(leaks.Count == 0, $"{leaks.Count} DMA writes from the scope of {bridge} reached memory while it was blocked");
        }
        foreach (var q in events.Where(e => e.Kind == EventKinds.DeviceQuarantined))
        {
            uint stream = q.Device!.Value.RequesterId.Value;
            Assert.DoesNotContain(rig.Iommu.ReachedMemory, m => m.StreamId == stream && m.Time >= q.Time);
        }
    }

    /// <summary>SBR asserts only after every owner that must quiesce said so, or timed out.</summary>
    public static void SbrNeverBeforeQuiesce(RecoveryRig rig)
    {
        var events = rig.Sink.Events;
        foreach (var sbr in events.Where(e => e.Kind == EventKinds.SbrAssert))
        {
            var scope = rig.Fabric.FunctionsBelow(sbr.Device!.Value).ToHashSet();
            bool fatal = events.Any(e => e.Kind == EventKinds.ErrorDetected && e.Time <= sbr.Time && e.Device is Sbdf d
                && (scope.Contains(d) || d == sbr.Device) && (string?)rig.Sink.Detail(e, "severity") == "fatal");
            foreach (var f in scope)
            {
                var votes = events.Where(e => e.Kind == EventKinds.OwnerVote && e.Device == f && e.Time <= sbr.Time).ToList();
                if (votes.Count == 0) continue;
                string first = (string)rig.Sink.Detail(votes[0], "vote")!;
                bool mustQuiesce = first == "NeedReset" || (fatal && first is "CanRecover" or "Recovered");
                if (!mustQuiesce) continue;
                // A function already taken from its owner (quarantined, DMA blocked) has nobody to wait for.
                if (events.Any(e => e.Kind == EventKinds.DeviceQuarantined && e.Device == f && e.Time <= sbr.Time)) continue;
                Assert.True(events.Any(e => e.Kind == EventKinds.OwnerQuiesced && e.Device == f && e.Time <= sbr.Time),
                    $"SBR of {sbr.Device} asserted at {sbr.Time} before {f} quiesced or timed out");
            }
        }
    }

    /// <summary>On the simulator: no config request of recovery reached a function before it was ready (the Vendor ID poll aside).</summary>
    public static void AssertNoEarlyConfigRequest(this SimulatedRecoveryRig rig) =>
        Assert.True(rig.Config.Violations.Count == 0, string.Join("\n", rig.Config.Violations));

    public static void NoConfigRequestBeforeReady(RecoveryRig rig) =>
        Assert.True(rig.Fabric.Violations.Count == 0, string.Join("\n", rig.Fabric.Violations));

    /// <summary>Every error-detected event has its record in the SQLite log, with the same time and device.</summary>
    public static void EveryErrorIsInTheDatabase(RecoveryRig rig)
    {
        var (errors, steps) = RasLogReader.Read(rig.DatabasePath);
        foreach (var e in rig.Sink.OfKind(EventKinds.ErrorDetected))
        {
            long id = (long)rig.Sink.Detail(e, "ras_id")!;
            var row = errors.SingleOrDefault(r => r.Id == id);
            Assert.True(row is not null, $"error record {id} of {e.Device} missing from the database");
            Assert.Equal(e.Time, row!.Time);
            Assert.Equal(e.Device?.ToString(), row.Device);
        }
        Assert.Equal(rig.Sink.Events.Count, steps.Count);
    }
}
