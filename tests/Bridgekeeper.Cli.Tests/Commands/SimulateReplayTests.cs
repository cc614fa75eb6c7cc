using System.Text.Json;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;

namespace Bridgekeeper.Cli.Tests.Commands;

/// <summary>`simulate --runs 1 --seed S`, the command each campaign break names, shows what happened in that run.</summary>
public class SimulateReplayTests
{
    private const ulong Seed = 1037;

    [Fact]
    public void A_replay_with_json_prints_the_runs_events_then_the_campaign_summary_last()
    {
        var (exit, stdout, stderr) = CliProcess.Run("simulate", "--runs", "1", "--seed", $"{Seed}", "--json");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = ScenarioMachine.Run(RandomScenario.Draw(Seed), Seed, assignmentsMayBeRefused: true, stopWhenSettled: true, drawTopology: false);

        Assert.Equal(expected.Events.Count + 1, lines.Length);
        for (int i = 0; i < expected.Events.Count; i++)
        {
            using var e = JsonDocument.Parse(lines[i]);
            Assert.Equal(expected.Events[i].Kind, e.RootElement.GetProperty("kind").GetString());
            Assert.Equal(expected.Events[i].Text, e.RootElement.GetProperty("text").GetString());
        }
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.Equal("summary", summary.RootElement.GetProperty("kind").GetString());
        Assert.Equal(1, summary.RootElement.GetProperty("runs").GetInt32());
    }

    [Fact]
    public void A_replay_on_a_terminal_prints_the_timeline_and_labels_refused_assignments_as_such()
    {
        var (exit, stdout, stderr) = CliProcess.Run("simulate", "--runs", "1", "--seed", "37");
        Assert.True(exit == 0, stderr);
        var expected = ScenarioMachine.Run(RandomScenario.Draw(37), 37, assignmentsMayBeRefused: true, stopWhenSettled: true, drawTopology: false);
        Assert.Contains("replaying campaign run seed 37", stdout, StringComparison.Ordinal);
        foreach (var e in expected.Events.Where(e => e.Kind == "device-assigned")) Assert.Contains(e.Text, stdout, StringComparison.Ordinal);
        Assert.NotEmpty(expected.Summary.ExpectationFailures);
        Assert.Contains("assignment refused:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("expectation failed", stdout, StringComparison.Ordinal);
        Assert.Contains("invariant breaks", stdout, StringComparison.Ordinal);
    }
}
