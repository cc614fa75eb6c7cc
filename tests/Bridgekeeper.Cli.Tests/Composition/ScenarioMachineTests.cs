using System.Text;
using System.Text.Json;
using Bridgekeeper.Cli.Commands;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Cli.Simulation.Composition;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Tests.Composition;

public class ScenarioMachineTests
{
    private static readonly Lazy<ScenarioRun> Default = new(() => ScenarioMachine.Run(SimulateCommand.BuiltInScenario("default.yaml"), 1));

    [Fact]
    public void The_default_scenario_passes_every_invariant_and_expectation()
    {
        var s = Default.Value.Summary;
        Assert.True(s.Passed, string.Join("; ", s.InvariantBreaks.Select(b => b.ToString()).Concat(s.ExpectationFailures)));
        Assert.Equal(2, s.RecoveredCount);
    }

    [Fact]
    public void The_default_scenario_tells_the_story_of_the_issue()
    {
        var events = Default.Value.Events;
        int Index(string kind, Func<TimelineEvent, bool>? where = null) => events.ToList().FindIndex(e => e.Kind == kind && (where?.Invoke(e) ?? true));
        // One assignment of a partial group is refused, with its reason.
        var refused = Assert.Single(events, e => e.Kind == "assignment-refused");
        Assert.Contains("share a group", refused.Text);
        // The NVMe: native, fatal, the owner quiesces before the reset, ready before restore.
        var nvme = events.First(e => e.Kind == EventKinds.ErrorDetected).Device!.Value;
        Assert.Contains("native", events.First(e => e.Kind == EventKinds.ErrorDetected).Text);
        Assert.True(Index(EventKinds.OwnerQuiesced) < Index(EventKinds.SbrAssert));
        Assert.True(Index(EventKinds.SbrDeassert) < Index(EventKinds.DeviceReady, e => e.Device == nvme));
        Assert.True(Index(EventKinds.DeviceReady, e => e.Device == nvme) <= Index(EventKinds.ConfigRestored, e => e.Device == nvme));
        // The VF: firmware-first, non-fatal, its option (a) owner told through a virtual GHES record.
        var second = events.Where(e => e.Kind == EventKinds.ErrorDetected).ElementAt(1);
        Assert.Contains("ghes", second.Text);
        Assert.Contains(events, e => e.Kind == EventKinds.OwnerNotified && e.Device == second.Device && e.Text.Contains("virtual-ghes"));
        Assert.Equal(2, events.Count(e => e.Kind == EventKinds.RecoveryComplete));
    }

    [Fact]
    public void The_reset_waits_at_least_the_spec_minimum()
    {
        var events = Default.Value.Events;
        var assert = events.First(e => e.Kind == EventKinds.SbrAssert);
        var deassert = events.First(e => e.Kind == EventKinds.SbrDeassert);
        var ready = events.First(e => e.Kind == EventKinds.DeviceReady && e.Time > deassert.Time);
        Assert.True(deassert.Time - assert.Time >= SimTime.FromMilliseconds(1));          // Trst
        Assert.True(ready.Time - deassert.Time >= SimTime.FromMilliseconds(100));         // 100 ms before config requests
    }

    [Fact]
    public void The_same_seed_gives_a_byte_identical_timeline_and_another_seed_does_not()
    {
        var scenario = SimulateCommand.BuiltInScenario("default.yaml");
        string a = Ndjson(ScenarioMachine.Run(scenario, 5)), b = Ndjson(ScenarioMachine.Run(scenario, 5)), c = Ndjson(ScenarioMachine.Run(scenario, 6));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c); // the hardware domain's report order differs
    }

    [Fact]
    public void The_json_stream_ends_with_the_summary()
    {
        var lines = Ndjson(Default.Value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("summary", last.RootElement.GetProperty("kind").GetString());
        Assert.Equal(2, last.RootElement.GetProperty("recovered").GetInt32());
        Assert.Equal(0, last.RootElement.GetProperty("invariantBreaks").GetInt32());
        Assert.All(lines[..^1], l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("t_us", out _)));
    }

    [Fact]
    public void A_device_name_the_platform_does_not_have_is_bad_input_with_its_line()
    {
        var s = ScenarioLoader.Parse("domains:\n  - name: g\nassign:\n  - device: nvme9\n    to: g\n", "x.yaml");
        var ex = Assert.Throws<ScenarioFormatException>(() => ScenarioMachine.Run(s, 1));
        Assert.Equal(4, ex.Offset);
        Assert.Equal("assign[0].device", ex.Field);
        Assert.Contains("nvme0", ex.Problem); // lists the names it knows
    }

    [Fact]
    public void The_report_of_the_default_run_loads_in_chromium_and_shows_its_devices_and_steps()
    {
        var run = Default.Value;
        string path = Path.Combine(Path.GetTempPath(), $"bk-default-{Environment.ProcessId}.html");
        HtmlReportWriter.Write(new SimulationReport("default", run.Topology, run.Events, run.Summary), path);
        try
        {
            var page = Report.HeadlessChromium.Load(path);
            Assert.Empty(page.ScriptErrors);
            Assert.Contains("data-ready=\"1\"", page.Dom);
            foreach (var e in run.Events.Where(e => e.Kind == EventKinds.ErrorDetected))
                Assert.Contains($"data-sbdf=\"{e.Device}\"", page.Dom);
            Assert.Contains("<td>sbr-assert</td>", page.Dom);
            Assert.Contains("class=\"reset-scope\"", page.Dom);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Ndjson(ScenarioRun run)
    {
        using var buffer = new MemoryStream();
        using (var w = new EventJsonWriter(buffer))
        {
            foreach (var e in run.Events) w.Write(e);
            w.WriteObject(j => SummaryJson.Write(j, run.Summary));
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
