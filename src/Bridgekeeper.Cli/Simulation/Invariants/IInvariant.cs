using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>A safety property checked over one run's event stream and the hardware's own observations.</summary>
public interface IInvariant
{
    string Name { get; }

    void Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks);
}
