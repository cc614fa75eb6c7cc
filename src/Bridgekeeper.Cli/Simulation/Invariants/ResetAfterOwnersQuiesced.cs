using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// A secondary bus reset never asserts before every owner that was told of the error in that reset's
/// scope has quiesced, given the device up or timed out: resetting under a running driver loses its
/// I/O silently. An owner of a function is released by <c>owner-quiesced</c> (also the recovery's own
/// "did not quiesce in time" with <c>timed_out</c>), or by an <c>owner-vote</c> that timed out
/// (<c>timedOut</c>/<c>timed_out</c> true, or vote <c>timeout</c>), that gave the device up
/// (<c>Disconnect</c>) or that says it has no error handler at all (<c>NoAerDriver</c>: there is no
/// driver I/O to lose, Linux's PCI_ERS_RESULT_NO_AER_DRIVER), or by <c>device-quarantined</c> (the
/// function was taken from that owner, which was told, and its DMA blocked; a quarantine logged for another
/// domain releases nothing). Owners are tracked per function, and a
/// reset only waits for functions below its bridge (<see cref="SimulationObservations.IsBelow"/>), so
/// two recoveries of disjoint scopes running at once do not hold each other up.
/// </summary>
public sealed class ResetAfterOwnersQuiesced : IInvariant
{
    public string Name => "sbr-after-owners-quiesced";

    public void Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks)
    {
        // Owners told but not yet released, per function.
        var waiting = new Dictionary<Sbdf, DomainId>();
        var pending = new List<DomainId>();
        foreach (var e in events)
        {
            if (e.Device is not { } device) continue;
            switch (e.Kind)
            {
                case EventKinds.OwnerNotified when e.Domain is { } d:
                    waiting.TryAdd(device, d);
                    break;
                case EventKinds.OwnerQuiesced:
                    waiting.Remove(device);
                    break;
                case EventKinds.OwnerVote when ReleasesReset(e):
                    waiting.Remove(device);
                    break;
                case EventKinds.DeviceQuarantined when e.Domain is { } from && waiting.TryGetValue(device, out var owner) && owner == from:
                    // The hypervisor took the function away from its owner (Xen's dom_io): the owner has
                    // no I/O left on it for a reset to lose, so it no longer holds the reset up.
                    waiting.Remove(device);
                    break;
                case EventKinds.SbrAssert or EventKinds.FlrInitiated: // an FLR is the reset of a one-function scope
                    pending.Clear();
                    foreach (var (f, d) in waiting)
                        if (InScope(observed, device, f) && !pending.Contains(d)) pending.Add(d);
                    if (pending.Count > 0)
                    {
                        pending.Sort((a, b) => a.Value.CompareTo(b.Value));
                        breaks.Add(new InvariantBreak(Name, e.Time, e.Device,
                            $"{(e.Kind == EventKinds.SbrAssert ? "SBR asserted" : "FLR initiated")} while {string.Join(", ", pending)} had not quiesced or timed out"));
                    }
                    break;
                case EventKinds.RecoveryComplete or EventKinds.RecoveryFailed:
                    foreach (var f in waiting.Keys.ToList())
                        if (InScope(observed, device, f)) waiting.Remove(f);
                    break;
            }
        }
    }

    private static bool InScope(SimulationObservations observed, Sbdf bridge, Sbdf function) =>
        observed.IsBelow is not { } below || function == bridge || below(bridge, function);

    private static bool ReleasesReset(TimelineEvent e)
    {
        if (EventDetails.GetBool(e, "timedOut") || EventDetails.GetBool(e, "timed_out")) return true;
        if (EventDetails.Get(e, "vote") is RecoveryVote.Disconnect or RecoveryVote.NoAerDriver) return true;
        string? vote = EventDetails.GetString(e, "vote");
        return string.Equals(vote, "timeout", StringComparison.Ordinal)
            || string.Equals(vote, nameof(RecoveryVote.Disconnect), StringComparison.OrdinalIgnoreCase)
            || string.Equals(vote, nameof(RecoveryVote.NoAerDriver), StringComparison.OrdinalIgnoreCase);
    }
}
