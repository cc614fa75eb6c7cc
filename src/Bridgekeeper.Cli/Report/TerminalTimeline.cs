using System.Globalization;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Hardware;
using Spectre.Console;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// The readable timeline on a terminal: one line per event (virtual ms, kind, device, domain, what
/// happened), coloured by phase; a kind that repeats on one device (a correctable storm, DMA faults)
/// shows its first lines and then how many more there were. Then the summary.
/// </summary>
public static class TerminalTimeline
{
    private const int ShownPerKindAndDevice = 3;

    public static void Write(IAnsiConsole console, IReadOnlyList<TimelineEvent> events)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var e in events)
        {
            var key = (e.Kind, e.Device?.ToString() ?? "");
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var shown = new Dictionary<(string, string), int>();
        foreach (var e in events)
        {
            var key = (e.Kind, e.Device?.ToString() ?? "");
            int n = shown[key] = shown.GetValueOrDefault(key) + 1;
            if (n > ShownPerKindAndDevice && counts[key] > 2 * ShownPerKindAndDevice)
            {
                if (n == ShownPerKindAndDevice + 1)
                    console.MarkupLine($"[grey]{"",12}    … {counts[key] - ShownPerKindAndDevice:N0} more {Markup.Escape(e.Kind)} on {Markup.Escape(key.Item2)} not shown (all are in --json, --db and --report)[/]");
                continue;
            }
            string time = (e.Time.Nanoseconds / 1e6).ToString("0.000", CultureInfo.InvariantCulture).PadLeft(12);
            string device = e.Device?.ToString() ?? "";
            string domain = e.Domain?.ToString() ?? "";
            console.MarkupLine($"[grey]{time} ms[/]  [{ColourOf(e.Kind)}]{Markup.Escape(e.Kind),-20}[/] {Markup.Escape(device),-12} {Markup.Escape(domain),-6} {Markup.Escape(e.Text)}");
        }
    }

    /// <param name="campaignRun">A replayed campaign run: its failure lines are refused assignments, which a campaign counts but does not fail on.</param>
    public static void WriteSummary(IAnsiConsole console, RunSummary s, bool campaignRun = false)
    {
        console.WriteLine();
        var table = new Table().Title($"[bold]{Markup.Escape(s.Scenario)}[/] (seed {s.Seed})").AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("events", s.Events.ToString(CultureInfo.InvariantCulture));
        table.AddRow("devices reset", Markup.Escape(s.DevicesReset.IsEmpty ? "none" : string.Join(", ", s.DevicesReset)));
        table.AddRow("domains disturbed", Markup.Escape(s.DomainsDisturbed.IsEmpty ? "none" : string.Join(", ", s.DomainsDisturbed)));
        table.AddRow("quarantined", Markup.Escape(s.Quarantined.IsEmpty ? "none" : string.Join(", ", s.Quarantined)));
        table.AddRow("invariants", s.InvariantBreaks.IsEmpty ? "[green]all held[/]" : $"[red]{s.InvariantBreaks.Length} broken[/]");
        table.AddRow("expectations", s.ExpectationFailures.IsEmpty ? "[green]all met[/]" : $"[red]{s.ExpectationFailures.Length} failed[/]");
        console.Write(table);
        if (!s.Recoveries.IsEmpty)
        {
            var r = new Table().AddColumns("device", "severity", "outcome", "latency", "spec minimum", "ratio", "owners");
            foreach (var x in s.Recoveries)
            {
                string outcome = x.Ended is null ? "[yellow]unfinished[/]" : x.Recovered ? "[green]recovered[/]" : "[red]failed[/]";
                r.AddRow(x.Device.ToString(), Markup.Escape(x.Severity), outcome, x.Latency?.ToString() ?? "-", x.SpecMinimum.ToString(),
                    x.LatencyRatio?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(string.Join(", ", x.Owners)));
            }
            console.Write(r);
        }
        foreach (var b in s.InvariantBreaks) console.MarkupLine($"[red]invariant broken:[/] {Markup.Escape(b.ToString())}");
        foreach (var f in s.ExpectationFailures)
            console.MarkupLine(campaignRun ? $"[yellow]assignment refused:[/] {Markup.Escape(f)}" : $"[red]expectation failed:[/] {Markup.Escape(f)}");
    }

    private static string ColourOf(string kind) => kind switch
    {
        EventKinds.ErrorDetected => "red",
        EventKinds.RecoveryFailed or EventKinds.DeviceQuarantined => "red bold",
        EventKinds.RecoveryComplete => "green bold",
        EventKinds.OwnerNotified or EventKinds.OwnerVote or EventKinds.OwnerQuiesced or EventKinds.OwnerResumed => "yellow",
        EventKinds.DmaBlocked or EventKinds.DmaUnblocked or EventKinds.SbrAssert or EventKinds.SbrDeassert
            or EventKinds.DeviceReady or EventKinds.ConfigRestored => "cyan",
        _ => "default",
    };
}
