using BenchmarkDotNet.Attributes;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;

namespace Bridgekeeper.Bench;

/// <summary>
/// Campaign throughput: one randomized recovery scenario (machine built and booted, guests assigned,
/// errors injected, recovery run to the end, invariants checked) per operation, on one core.
/// Goal (issue 7): at least 2,000 scenarios per second, i.e. at most 500 µs per operation.
/// <see cref="StopWhenSettled"/> false simulates the scenario's whole 1.8 s; true (what campaigns do)
/// stops once the last recovery has finished.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class CampaignBenchmarks
{
    private ulong _seed = 1000;

    [Params(false, true)]
    public bool StopWhenSettled { get; set; }

    [Benchmark]
    public int OneRandomScenario()
    {
        ulong seed = _seed++;
        var run = ScenarioMachine.Run(RandomScenario.Draw(seed), seed, databasePath: null, assignmentsMayBeRefused: true, stopWhenSettled: StopWhenSettled);
        return run.Events.Count;
    }
}
