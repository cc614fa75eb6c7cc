using BenchmarkDotNet.Attributes;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;

namespace Bridgekeeper.Bench;

/// <summary>
/// Campaign throughput: one randomized recovery scenario (machine built and booted, guests assigned,
/// errors injected, recovery run to the end, invariants checked) per operation, on one core.
/// Goal (issue 7): at least 2,000 scenarios per second, i.e. at most 500 µs per operation.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CampaignBenchmarks
{
    private ulong _seed = 1000;

    [Benchmark]
    public int OneRandomScenario()
    {
        ulong seed = _seed++;
        var run = ScenarioMachine.Run(RandomScenario.Draw(seed), seed, databasePath: null, assignmentsMayBeRefused: true, stopWhenSettled: true);
        return run.Events.Count;
    }
}
