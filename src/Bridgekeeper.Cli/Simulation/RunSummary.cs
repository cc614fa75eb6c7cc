using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// The outcome of one scenario run, derived from its event stream (see <see cref="RunSummaryBuilder"/>)
/// plus the invariant and expectation checks.
/// </summary>
public sealed record RunSummary(
    string Scenario,
    ulong Seed,
    int Events,
    ImmutableArray<RecoveryEpisode> Recoveries,
    ImmutableArray<Sbdf> DevicesReset,
    ImmutableArray<DomainId> DomainsDisturbed,
    ImmutableArray<Sbdf> Quarantined,
    ImmutableArray<InvariantBreak> InvariantBreaks,
    ImmutableArray<string> ExpectationFailures)
{
    public bool Passed => InvariantBreaks.IsEmpty && ExpectationFailures.IsEmpty;

    public int RecoveredCount => Recoveries.Count(r => r.Recovered);

    public int FailedCount => Recoveries.Count(r => r.Ended is not null && !r.Recovered);
}

/// <summary>
/// One recovery: from <c>error-detected</c> on <see cref="Device"/> to <c>recovery-complete</c> or
/// <c>recovery-failed</c>. <see cref="SpecMinimum"/> is the least time the spec allows for the same work
/// (the slowest owner's quiesce, SBR held 1 ms per PCIe Base 6.0 §6.6.1 Trst, and the readiness wait the
/// device needs: 100 ms after link up unless it reports readiness sooner).
/// </summary>
public sealed record RecoveryEpisode(
    Sbdf Device,
    string Severity,
    SimTime Detected,
    SimTime? Ended,
    bool Recovered,
    SimTime SpecMinimum,
    ImmutableArray<DomainId> Owners,
    ImmutableArray<Sbdf> DevicesReset)
{
    public SimTime? Latency => Ended is { } end ? end - Detected : null;

    /// <summary>Latency divided by the spec minimum (1.0 is as fast as the spec allows).</summary>
    public double? LatencyRatio => Latency is { } l && SpecMinimum.Nanoseconds > 0 ? (double)l.Nanoseconds / SpecMinimum.Nanoseconds : null;
}

/// <summary>One invariant that did not hold, with the virtual time and device where it broke.</summary>
public sealed record InvariantBreak(string Invariant, SimTime Time, Sbdf? Device, string Detail)
{
    public override string ToString() => $"{Invariant} at {Time}{(Device is { } d ? $" on {d}" : "")}: {Detail}";
}
