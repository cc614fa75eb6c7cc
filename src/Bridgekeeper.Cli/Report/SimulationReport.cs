using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Report;

/// <summary>Everything the HTML report shows: one event stream, one topology snapshot, and the run's summary.</summary>
public sealed record SimulationReport(
    string Title,
    TopologySnapshot Topology,
    IReadOnlyList<TimelineEvent> Events,
    RunSummary Summary);
