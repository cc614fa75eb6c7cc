using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation.Invariants;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>One finished run: the event stream, what the hardware observed, the topology snapshot and the summary.</summary>
public sealed record ScenarioRun(
    Scenario Scenario,
    ulong Seed,
    IReadOnlyList<TimelineEvent> Events,
    SimulationObservations Observed,
    TopologySnapshot Topology,
    RunSummary Summary);
