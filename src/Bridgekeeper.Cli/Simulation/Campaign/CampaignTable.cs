using System.Globalization;
using Bridgekeeper.Hardware;
using Spectre.Console;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary>The campaign's summary table on a terminal, with the replay command for each invariant break.</summary>
public static class CampaignTable
{
    public static void Write(IAnsiConsole console, CampaignSummary s)
    {
        var t = new Table().Title($"[bold]campaign[/] (seeds {s.FirstSeed}..{s.FirstSeed + (ulong)s.Runs - 1})").AddColumns("", "");
        t.HideHeaders();
        t.AddRow("runs", s.Runs.ToString(CultureInfo.InvariantCulture));
        t.AddRow("invariant breaks", s.InvariantBreaks.IsEmpty ? "[green]0[/]" : $"[red]{s.InvariantBreaks.Length}[/]");
        t.AddRow("recovered", s.Recovered.ToString(CultureInfo.InvariantCulture));
        t.AddRow("failed (device given up)", s.Failed.ToString(CultureInfo.InvariantCulture));
        t.AddRow("quarantined", s.Quarantined.ToString(CultureInfo.InvariantCulture));
        t.AddRow("assignments refused", s.RefusedAssignments.ToString(CultureInfo.InvariantCulture));
        foreach (double p in new[] { 50.0, 90.0, 99.0 })
        {
            string latency = CampaignSummary.Percentile(s.Latencies, p) is SimTime l ? l.ToString() : "-";
            string ratio = CampaignSummary.Percentile(s.LatencyRatios, p) is double q ? q.ToString("0.000", CultureInfo.InvariantCulture) : "-";
            t.AddRow($"latency p{p:0}", $"{latency} (x{ratio} of spec minimum)");
        }
        console.Write(t);
        foreach (var (seed, platform, b) in s.InvariantBreaks.Take(50))
            console.MarkupLine($"[red]break[/] {Markup.Escape(b.ToString())} on {Markup.Escape(platform)}  replay: [bold]bridgekeeper simulate --runs 1 --seed {seed}[/]");
        if (s.InvariantBreaks.Length > 50) console.MarkupLine($"… {s.InvariantBreaks.Length - 50} more breaks (see --json)");
    }
}
