using System.ComponentModel;
using System.Reflection;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Cli.Simulation.Campaign;
using Bridgekeeper.Cli.Simulation.Composition;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper simulate</c>: runs a scenario (the built-in default with no arguments) on the
/// simulated Arm server with the hypervisor, guests and recovery, and prints the timeline and summary;
/// or, with <c>--runs N</c>, a randomized campaign checked against the invariants.
/// </summary>
public sealed class SimulateCommand : Command<SimulateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--scenario <FILE>")]
        [Description("Scenario YAML (docs/scenario-schema.md); default: the built-in scenarios/default.yaml")]
        public string? Scenario { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of every random choice (default: the scenario's, else 1)")]
        public ulong? Seed { get; init; }

        [CommandOption("--json")]
        [Description("Newline-delimited JSON events; the last line is a summary object")]
        public bool Json { get; init; }

        [CommandOption("--db <FILE>")]
        [Description("Write the RAS log (SQLite) to FILE")]
        public string? Database { get; init; }

        [CommandOption("--report <FILE>")]
        [Description("Write a self-contained HTML report to FILE")]
        public string? Report { get; init; }

        [CommandOption("--runs <N>")]
        [Description("Run a randomized campaign of N scenarios drawn from the seed")]
        public int? Runs { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Runs is { } runs) return RunCampaign(settings, runs);
        var scenario = settings.Scenario is null ? BuiltInScenario("default.yaml") : ScenarioLoader.Load(settings.Scenario);
        ulong seed = settings.Seed ?? scenario.Seed ?? 1;
        var run = ScenarioMachine.Run(scenario, seed, settings.Database);

        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var writer = new EventJsonWriter(stdout);
            foreach (var e in run.Events) writer.Write(e);
            writer.WriteObject(j => SummaryJson.Write(j, run.Summary));
        }
        else
        {
            var console = AnsiConsole.Console;
            // Piped to a file or pager, lines are not wrapped at 80 columns: each event stays one line.
            if (Console.IsOutputRedirected) console.Profile.Width = 400;
            console.MarkupLine($"[bold]Bridgekeeper[/] simulating [bold]{Markup.Escape(scenario.Name)}[/] on {Markup.Escape(scenario.Platform.BuiltInName ?? scenario.Platform.FilePath ?? "")}, seed {seed}");
            TerminalTimeline.Write(console, run.Events);
            TerminalTimeline.WriteSummary(console, run.Summary);
        }
        if (settings.Report is { } path)
            HtmlReportWriter.Write(new SimulationReport($"Bridgekeeper: {scenario.Name} (seed {seed})", run.Topology, run.Events, run.Summary), path);
        return run.Summary.Passed ? ExitCodes.Success : ExitCodes.InvariantBroken;
    }

    private static int RunCampaign(Settings settings, int runs)
    {
        if (runs < 1) throw new ArgumentException("--runs must be at least 1");
        ulong seed = settings.Seed ?? 1;
        var campaign = new CampaignRunner(seed);
        // A single run is a replay (the command a break names): its whole timeline is printed before the summary.
        ScenarioRun? replayed = null;
        Action<ScenarioRun>? keep = runs == 1 ? r => replayed = r : null;
        CampaignSummary summary;
        if (!settings.Json && !Console.IsOutputRedirected && runs > 1)
        {
            summary = null!;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"campaign seed {seed}", maxValue: runs);
                summary = campaign.Run(runs, () => task.Increment(1));
            });
        }
        else
        {
            summary = campaign.Run(runs, null, keep);
        }
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var writer = new EventJsonWriter(stdout);
            if (replayed is not null) foreach (var e in replayed.Events) writer.Write(e);
            writer.WriteObject(j => CampaignJson.Write(j, summary));
        }
        else
        {
            var console = AnsiConsole.Console;
            if (replayed is not null)
            {
                if (Console.IsOutputRedirected) console.Profile.Width = 400;
                console.MarkupLine($"[bold]Bridgekeeper[/] replaying campaign run seed {seed}: [bold]{Markup.Escape(replayed.Scenario.Name)}[/] on {Markup.Escape(replayed.Scenario.Platform.BuiltInName ?? "")}");
                TerminalTimeline.Write(console, replayed.Events);
                TerminalTimeline.WriteSummary(console, replayed.Summary, campaignRun: true);
            }
            CampaignTable.Write(console, summary);
        }
        return summary.InvariantBreaks.IsEmpty ? ExitCodes.Success : ExitCodes.InvariantBroken;
    }

    /// <summary>The scenarios shipped in scenarios/ are embedded, so the default run works from any folder.</summary>
    public static Scenario BuiltInScenario(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"scenarios/{file}")
            ?? throw new FileNotFoundException($"built-in scenario {file} is missing from the binary");
        using var reader = new StreamReader(stream);
        return ScenarioLoader.Parse(reader.ReadToEnd(), $"scenarios/{file}");
    }
}
