using System.Collections.Immutable;
using Bridgekeeper.Cli.Simulation.Composition;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary>
/// Runs N drawn scenarios; run i uses seed <c>firstSeed + i</c>, so any run replays alone with
/// <c>--runs 1 --seed S</c>. A scenario that cannot be set up is itself a finding, counted as a break.
/// </summary>
public sealed class CampaignRunner(ulong firstSeed)
{
    /// <param name="onRun">Called with each finished run (a replay prints its timeline from it); not called for a run that crashed.</param>
    public CampaignSummary Run(int runs, Action? progress, Action<ScenarioRun>? onRun = null)
    {
        int recovered = 0, failed = 0, quarantined = 0, refused = 0;
        var breaks = ImmutableArray.CreateBuilder<(ulong, string, InvariantBreak)>();
        var latencies = new List<SimTime>();
        var ratios = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            ulong seed = firstSeed + (ulong)i;
            var scenario = RandomScenario.Draw(seed);
            ScenarioRun run;
            try
            {
                run = ScenarioMachine.Run(scenario, seed, databasePath: null, assignmentsMayBeRefused: true, stopWhenSettled: true, drawTopology: false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException or NotSupportedException or IndexOutOfRangeException)
            {
                // A run that crashes the simulator or the hypervisor is a finding like any broken invariant.
                breaks.Add((seed, scenario.Platform.BuiltInName ?? "", new InvariantBreak("no-crash", SimTime.Zero, null, $"{ex.GetType().Name}: {ex.Message}")));
                progress?.Invoke();
                continue;
            }
            onRun?.Invoke(run);
            var s = run.Summary;
            foreach (var b in s.InvariantBreaks) breaks.Add((seed, scenario.Platform.BuiltInName ?? "", b));
            refused += s.ExpectationFailures.Length;
            quarantined += s.Quarantined.Length;
            foreach (var r in s.Recoveries)
            {
                if (r.Ended is null) continue;
                if (r.Recovered)
                {
                    recovered++;
                    latencies.Add(r.Latency!.Value);
                    if (r.LatencyRatio is { } q) ratios.Add(q);
                }
                else
                {
                    failed++;
                }
            }
            progress?.Invoke();
        }
        latencies.Sort();
        ratios.Sort();
        return new CampaignSummary(firstSeed, runs, recovered, failed, quarantined, refused, breaks.ToImmutable(), [.. latencies], [.. ratios]);
    }
}
