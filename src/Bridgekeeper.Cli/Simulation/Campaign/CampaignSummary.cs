using System.Collections.Immutable;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary>What a campaign found: how many runs, recoveries and quarantines, every invariant break with the seed that replays it and the platform it ran on, and latency percentiles.</summary>
public sealed record CampaignSummary(
    ulong FirstSeed,
    int Runs,
    int Recovered,
    int Failed,
    int Quarantined,
    int RefusedAssignments,
    ImmutableArray<(ulong Seed, string Platform, InvariantBreak Break)> InvariantBreaks,
    ImmutableArray<SimTime> Latencies,
    ImmutableArray<double> LatencyRatios)
{
    /// <summary>The p-th percentile (0..100) by nearest rank, or null with no recoveries.</summary>
    public static T? Percentile<T>(ImmutableArray<T> sorted, double p) where T : struct =>
        sorted.IsEmpty ? null : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
