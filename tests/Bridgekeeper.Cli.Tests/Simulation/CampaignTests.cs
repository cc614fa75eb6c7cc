using System.Text.Json;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;

namespace Bridgekeeper.Cli.Tests.Simulation;

public class CampaignTests
{
    private static string Json(CampaignSummary s)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            CampaignJson.Write(json, s);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void The_same_first_seed_gives_a_byte_identical_campaign_summary()
    {
        var a = Json(new CampaignRunner(4242).Run(16, null));
        var b = Json(new CampaignRunner(4242).Run(16, null));
        Assert.Equal(a, b);
        Assert.NotEqual(a, Json(new CampaignRunner(4243).Run(16, null)));
    }

    [Fact]
    public void Each_run_replays_alone_from_its_seed()
    {
        // A campaign is exactly its runs one by one: `--runs 1 --seed S` reproduces the run of seed S.
        const ulong first = 9100;
        const int runs = 12;
        var whole = new CampaignRunner(first).Run(runs, null);
        var alone = Enumerable.Range(0, runs).Select(i => new CampaignRunner(first + (ulong)i).Run(1, null)).ToList();
        Assert.Equal(whole.Recovered, alone.Sum(s => s.Recovered));
        Assert.Equal(whole.Failed, alone.Sum(s => s.Failed));
        Assert.Equal(whole.Quarantined, alone.Sum(s => s.Quarantined));
        Assert.Equal(whole.RefusedAssignments, alone.Sum(s => s.RefusedAssignments));
        Assert.Equal(whole.InvariantBreaks.Select(b => (b.Seed, b.Break.ToString())), alone.SelectMany(s => s.InvariantBreaks).Select(b => (b.Seed, b.Break.ToString())));
        Assert.Equal(string.Join(" ", whole.Latencies), string.Join(" ", alone.SelectMany(s => s.Latencies).Order()));
    }

    [Fact]
    public void A_run_replayed_from_its_seed_has_the_same_event_stream()
    {
        foreach (ulong seed in new ulong[] { 3, 17, 1037 })
        {
            var first = ScenarioMachine.Run(RandomScenario.Draw(seed), seed, assignmentsMayBeRefused: true, stopWhenSettled: true);
            var again = ScenarioMachine.Run(RandomScenario.Draw(seed), seed, assignmentsMayBeRefused: true, stopWhenSettled: true);
            Assert.Equal(first.Events.Select(EventText.Line), again.Events.Select(EventText.Line));
        }
    }

    [Fact]
    public void Campaigns_draw_random_platforms_as_well_as_the_built_in_one_and_recover_on_them()
    {
        var platforms = Enumerable.Range(0, 60).Select(i => RandomScenario.Draw((ulong)i).Platform.BuiltInName!).ToList();
        Assert.Contains("arm-server", platforms);
        Assert.True(platforms.Count(p => DrawnPlatforms.SeedOf(p) is not null) > 30);
        Assert.True(platforms.Distinct().Count() > 20);

        // Runs on drawn platforms get their guests devices, recover errors and pass the invariants.
        int recovered = 0;
        for (ulong seed = 0; seed < 40 && recovered < 3; seed++)
        {
            var scenario = RandomScenario.Draw(seed);
            if (DrawnPlatforms.SeedOf(scenario.Platform.BuiltInName!) is null) continue;
            var run = ScenarioMachine.Run(scenario, seed, assignmentsMayBeRefused: true, stopWhenSettled: true);
            recovered += run.Summary.RecoveredCount;
        }
        Assert.True(recovered >= 3);
    }

    [Fact]
    public void Drawn_platforms_boot_through_the_hardware_domain_and_the_rebuilt_tree_agrees_with_the_reports()
    {
        // d0 enumerates and reports; the hypervisor's ECAM rebuild must find every reported function
        // (VFs included) and nothing unreported: a drawn platform is a consistent machine, not just valid YAML.
        for (ulong shape = 0; shape < 24; shape++)
        {
            var drawn = DrawnPlatforms.Get(shape);
            var lines = new List<string> { $"platform: {DrawnPlatforms.NameOf(shape)}", "domains:", "  - name: g" };
            if (drawn.Assignable.Length > 0) lines.AddRange(["assign:", $"  - device: {drawn.Assignable[^1].Functions[0]}", "    to: g"]);
            var run = ScenarioMachine.Run(ScenarioLoader.Parse(string.Join('\n', lines) + "\n", $"shape{shape}.yaml"), shape, assignmentsMayBeRefused: true);
            Assert.DoesNotContain(run.Events, e => e.Kind == "topology-finding");
            Assert.Empty(run.Summary.InvariantBreaks);
            int functions = drawn.Description.HostBridges.Length + drawn.Assignable.Sum(d => d.Functions.Length);
            Assert.True(run.Topology.Nodes.Length >= functions - drawn.Description.HostBridges.Length, $"shape {shape}: {run.Topology.Nodes.Length} nodes");
        }
    }

    [Fact]
    public void Campaign_seed_11821_with_a_surprise_removed_vf_keeps_every_invariant()
    {
        // A VF pulled before a fatal error on its sibling: recovery must not save and restore its
        // all-ones config (that wrote Initiate FLR and then read the VF during its FLR readiness time).
        const ulong seed = 11821;
        var run = ScenarioMachine.Run(RandomScenario.Draw(seed), seed, assignmentsMayBeRefused: true, stopWhenSettled: true);
        Assert.Empty(run.Summary.InvariantBreaks);
        Assert.Equal(1, run.Summary.RecoveredCount);
    }

    [Fact]
    public void A_scenario_file_can_name_a_drawn_platform_and_its_devices()
    {
        var drawn = DrawnPlatforms.Get(7);
        string device = drawn.Assignable[0].Functions[0];
        var s = ScenarioLoader.Parse($"platform: random:7\ndomains:\n  - name: g\nassign:\n  - device: {device}\n    to: g\n", "x.yaml");
        var run = ScenarioMachine.Run(s, 1);
        Assert.Contains(run.Events, e => e.Kind == "device-assigned" && e.Text.Contains("to d1", StringComparison.Ordinal));
        Assert.Throws<ScenarioFormatException>(() => ScenarioMachine.Run(ScenarioLoader.Parse("platform: random:x\n", "y.yaml"), 1));
    }
}
