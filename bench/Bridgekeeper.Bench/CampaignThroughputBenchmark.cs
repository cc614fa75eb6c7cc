using BenchmarkDotNet.Attributes;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Bench;

/// <summary>
/// Campaign throughput as <c>simulate --runs N</c> runs it (issue 7: at least 2,000 recovery scenarios
/// per second on one core): one operation is a campaign of <see cref="Runs"/> scenarios drawn from one
/// seed (random and built-in platforms, guests, errors, faults), each booted, assigned, run until its
/// recoveries settle and checked against every invariant. Figures are per scenario
/// (<c>OperationsPerInvoke</c>); scenarios/s = 1 s / mean. The drawn platforms are generated once per
/// process in <see cref="Setup"/>, as in a long campaign (that one-off cost is measured by
/// <see cref="DrawEveryPlatformShape"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class CampaignThroughputBenchmark
{
    private const int Runs = 200;

    private readonly List<(ulong Seed, Scenario Scenario)> _armServer = [];

    [GlobalSetup]
    public void Setup()
    {
        for (ulong shape = 0; shape < DrawnPlatforms.Shapes; shape++) DrawnPlatforms.Get(shape);
        for (ulong seed = 1; _armServer.Count < Runs; seed++)
        {
            var s = RandomScenario.Draw(seed);
            if (s.Platform.BuiltInName == "arm-server") _armServer.Add((seed, s));
        }
    }

    [Benchmark(OperationsPerInvoke = Runs)]
    public int CampaignOfRandomScenarios() => new CampaignRunner(1).Run(Runs, null).Recovered;

    /// <summary>Only the drawn scenarios that run on the built-in arm-server (19 functions + 4 VFs; drawn platforms average 11.6 before VFs).</summary>
    [Benchmark(OperationsPerInvoke = Runs)]
    public int ArmServerScenariosOnly()
    {
        int events = 0;
        foreach (var (seed, s) in _armServer)
            events += ScenarioMachine.Run(s, seed, assignmentsMayBeRefused: true, stopWhenSettled: true, drawTopology: false).Events.Count;
        return events;
    }

    /// <summary>Drawing and validating all platform shapes (per shape), paid once per process.</summary>
    [Benchmark(OperationsPerInvoke = DrawnPlatforms.Shapes)]
    public int DrawEveryPlatformShape()
    {
        int functions = 0;
        for (ulong shape = 0; shape < DrawnPlatforms.Shapes; shape++)
            functions += RandomPlatformGenerator.Generate(shape).Assignable.Length;
        return functions;
    }
}
