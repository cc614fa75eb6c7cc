using System.Collections.Immutable;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>The invariants every run is checked against (recovery issue, "Check").</summary>
public static class InvariantSet
{
    public static readonly ImmutableArray<IInvariant> All =
        [new NoDmaWhileBlocked(), new ResetAfterOwnersQuiesced(), new ConfigOnlyWhenReady(), new ErrorsAreLogged()];

    public static ImmutableArray<InvariantBreak> Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed)
    {
        var breaks = new List<InvariantBreak>();
        foreach (var invariant in All) invariant.Check(events, observed, breaks);
        if (breaks.Count < 2) return [.. breaks]; // nothing to order (most runs break nothing)
        return [.. breaks.OrderBy(b => b.Time).ThenBy(b => b.Invariant, StringComparer.Ordinal)];
    }
}
