using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// A secondary bus reset never asserts before every owner that was told of the error has quiesced, given
/// the device up (DISCONNECT) or timed out: resetting under a running driver loses its I/O silently.
/// An owner is released by <c>owner-quiesced</c>, or by an <c>owner-vote</c> that timed out
/// (<c>timedOut</c>/<c>timed_out</c> true, or vote <c>timeout</c>) or whose vote is <c>Disconnect</c>.
/// </summary>
public sealed class ResetAfterOwnersQuiesced : IInvariant
{
    public string Name => "sbr-after-owners-quiesced";

    public void Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks)
    {
        // Owners told but not yet released, per recovery (keyed by the recovery detail; one shared key when absent).
        var waiting = new Dictionary<string, HashSet<DomainId>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            string key = EventDetails.GetString(e, "recovery") ?? "";
            switch (e.Kind)
            {
                case EventKinds.OwnerNotified when e.Domain is { } d:
                    if (!waiting.TryGetValue(key, out var set)) waiting[key] = set = [];
                    set.Add(d);
                    break;
                case EventKinds.OwnerQuiesced when e.Domain is { } d:
                    Release(key, d);
                    break;
                case EventKinds.OwnerVote when e.Domain is { } d && (EventDetails.GetBool(e, "timedOut") || EventDetails.GetBool(e, "timed_out")
                        || string.Equals(EventDetails.GetString(e, "vote"), "timeout", StringComparison.Ordinal)
                        || EventDetails.Get(e, "vote") is RecoveryVote.Disconnect
                        || string.Equals(EventDetails.GetString(e, "vote"), "Disconnect", StringComparison.OrdinalIgnoreCase)):
                    Release(key, d);
                    break;
                case EventKinds.SbrAssert:
                    if (waiting.TryGetValue(key, out var pending) && pending.Count > 0)
                    {
                        breaks.Add(new InvariantBreak(Name, e.Time, e.Device,
                            $"SBR asserted while {string.Join(", ", pending.Order())} had not quiesced or timed out"));
                    }
                    break;
                case EventKinds.RecoveryComplete or EventKinds.RecoveryFailed:
                    waiting.Remove(key);
                    break;
            }
        }

        void Release(string key, DomainId d)
        {
            if (waiting.TryGetValue(key, out var set)) set.Remove(d);
        }
    }
}
