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
    public void Errors_injected_while_the_device_is_in_reset_or_not_ready_are_shown_as_dropped()
    {
        // A fatal error resets nvme0; correctable errors keep arriving every 1 ms through the whole recovery.
        var s = ScenarioLoader.Parse("""
            platform: arm-server
            domains:
              - name: storage
                id: 1
                notify: b
                driver: cooperative
                quiesce: 2ms
            assign:
              - device: nvme0
                to: storage
            errors:
              - at: 20ms
                device: nvme0
                error: MALF_TLP
              - at: 10ms
                device: nvme0
                error: RCVR
                count: 300
                every: 1ms
            runFor: 1s
            """, "dropped.yaml");
        var events = ScenarioMachine.Run(s, 1).Events;
        var nvme = events.First(e => e.Kind == EventKinds.ErrorDetected).Device!.Value;
        var assert = events.First(e => e.Kind == EventKinds.SbrAssert);
        var deassert = events.First(e => e.Kind == EventKinds.SbrDeassert);
        var ready = events.First(e => e.Kind == EventKinds.DeviceReady && e.Device == nvme);
        var dropped = events.Where(e => e.Kind == EventKinds.ErrorDropped).ToList();
        Assert.NotEmpty(dropped);
        Assert.All(dropped, e => Assert.Equal(nvme, e.Device));
        // Every dropped injection falls inside the reset window, with the reason the simulator gave; none outside it.
        Assert.All(dropped, e => Assert.True(e.Time >= assert.Time && e.Time <= ready.Time, $"dropped at {e.Time}"));
        Assert.Contains(dropped, e => e.Time < deassert.Time && EventDetails.GetString(e, "reason") == "HeldInReset");
        Assert.Contains(dropped, e => e.Time > deassert.Time && EventDetails.GetString(e, "reason") == "NotReady");
        // The SBR hold is at least 1 ms, so at least one of the 1 ms-spaced injections fell into it.
        Assert.True(dropped.Count(e => e.Time < deassert.Time) >= 1);
    }

    [Fact]
    public void Each_fault_is_in_the_timeline_at_its_time_before_what_it_causes()
    {
        var s = ScenarioLoader.Parse("""
            platform: arm-server
            domains:
              - name: storage
                id: 1
                driver: cooperative
            assign:
              - device: nvme0
                to: storage
            faults:
              - at: 5ms
                device: nvme0
                kind: surprise-removal
              - at: 6ms
                device: nvme0
                kind: link-down
            runFor: 50ms
            """, "faults.yaml");
        var events = ScenarioMachine.Run(s, 1).Events;
        var faults = events.Where(e => e.Kind == EventKinds.FaultInjected).ToList();
        Assert.Equal(2, faults.Count);
        var t0 = faults[0].Time - SimTime.FromMilliseconds(5);
        Assert.Equal(t0 + SimTime.FromMilliseconds(6), faults[1].Time);
        Assert.Equal("SurpriseRemoval", EventDetails.GetString(faults[0], "fault"));
        Assert.Contains("fault: surprise removal", faults[0].Text, StringComparison.Ordinal);
        // The removed device answers nothing a millisecond later: that fault is shown, not applied.
        Assert.Contains("fault not applied (link down)", faults[1].Text, StringComparison.Ordinal);
        // Whatever the removal causes comes after it in the stream.
        int removal = events.ToList().IndexOf(faults[0]);
        Assert.DoesNotContain(events.Take(removal), e => e.Time >= faults[0].Time && e.Kind != EventKinds.FaultInjected && e.Device == faults[0].Device);
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
