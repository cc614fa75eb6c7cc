using System.Globalization;
using System.Text;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// Writes the run as one self-contained HTML file (no external scripts, styles or fonts): summary,
/// topology tree coloured by group with owners and reset scopes, the recovery timeline chart, groups
/// and the full event table. The output depends only on the report, so the same seed gives the same
/// bytes. A small script filters the event table and marks the page ready (<c>body[data-ready]</c>),
/// which the browser test uses to see that the script ran without errors.
/// </summary>
public static class HtmlReportWriter
{
    public static void Write(SimulationReport report, string path) =>
        File.WriteAllText(path, Render(report), new UTF8Encoding(false));

    public static string Render(SimulationReport report)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(report.Title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(report.Title)}</h1>\n");

        AppendSummary(report, html);

        html.Append("<h2 id=\"topology-heading\">Topology</h2>\n<p class=\"hint\">Boxes are functions, coloured by isolation group and marked with their owner; dashed outlines are reset scopes.</p>\n<div class=\"scroll\">\n");
        TopologyTreeSvg.Render(report.Topology, html);
        html.Append("</div>\n");
        AppendGroups(report.Topology, html);

        html.Append("<h2 id=\"timeline-heading\">Recovery timeline</h2>\n<p class=\"hint\">Virtual milliseconds. Bars: owner quiescing, DMA blocked, SBR asserted, readiness wait. Hover a marker for its event.</p>\n<div class=\"scroll\">\n");
        RecoveryTimelineSvg.Render(report.Events, html);
        html.Append("</div>\n");

        AppendEvents(report.Events, html);
        html.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummary(SimulationReport report, StringBuilder html)
    {
        var s = report.Summary;
        html.Append("<h2>Summary</h2>\n<table id=\"summary\">\n");
        Row("scenario", s.Scenario);
        Row("seed", s.Seed.ToString(CultureInfo.InvariantCulture));
        Row("events", s.Events.ToString(CultureInfo.InvariantCulture));
        Row("devices reset", s.DevicesReset.IsEmpty ? "none" : string.Join(", ", s.DevicesReset));
        Row("domains disturbed", s.DomainsDisturbed.IsEmpty ? "none" : string.Join(", ", s.DomainsDisturbed));
        Row("quarantined", s.Quarantined.IsEmpty ? "none" : string.Join(", ", s.Quarantined));
        Row("invariants", s.InvariantBreaks.IsEmpty ? "all held" : string.Join("; ", s.InvariantBreaks));
        Row("expectations", s.ExpectationFailures.IsEmpty ? "all met" : string.Join("; ", s.ExpectationFailures));
        html.Append("</table>\n");
        if (s.Recoveries.IsEmpty) return;
        html.Append("<table id=\"recoveries\">\n<thead><tr><th>device</th><th>severity</th><th>detected</th><th>ended</th><th>outcome</th><th>latency</th><th>spec minimum</th><th>ratio</th><th>owners</th></tr></thead>\n<tbody>\n");
        foreach (var r in s.Recoveries)
        {
            string outcome = r.Ended is null ? "unfinished" : r.Recovered ? "recovered" : "failed";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"{outcome}\"><td>{r.Device}</td><td>{E(r.Severity)}</td><td>{r.Detected}</td><td>{(r.Ended?.ToString() ?? "-")}</td><td>{outcome}</td><td>{(r.Latency?.ToString() ?? "-")}</td><td>{r.SpecMinimum}</td><td>{(r.LatencyRatio is { } q ? q.ToString("0.000", CultureInfo.InvariantCulture) : "-")}</td><td>{E(string.Join(", ", r.Owners))}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");

        void Row(string key, string value) =>
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>\n");
    }

    private static void AppendGroups(TopologySnapshot topology, StringBuilder html)
    {
        if (topology.Groups.IsEmpty) return;
        html.Append("<h3>Isolation groups</h3>\n<table id=\"groups\">\n<thead><tr><th>group</th><th>members</th><th>owner</th><th>reason</th></tr></thead>\n<tbody>\n");
        foreach (var g in topology.Groups)
        {
            var owners = g.Members.Select(m => topology.NodeAt(m)?.Owner ?? "?").Distinct().ToList();
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><span class=\"swatch\" style=\"background:{GroupPalette.For(g.Id)}\"></span>{g.Id}</td><td>{E(string.Join(", ", g.Members))}</td><td>{E(string.Join(", ", owners))}</td><td>{E(g.Reason)}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendEvents(IReadOnlyList<TimelineEvent> events, StringBuilder html)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<h2 id=\"events-heading\">Events</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter by kind, device, domain or text\"> <label><input id=\"recovery-only\" type=\"checkbox\"> recovery steps only</label> <span id=\"shown\">{events.Count}</span> of {events.Count} shown</p>\n");
        html.Append("<table id=\"events\">\n<thead><tr><th>t (ms)</th><th>kind</th><th>device</th><th>domain</th><th>what</th><th>details</th></tr></thead>\n<tbody>\n");
        foreach (var e in events)
        {
            string recovery = RecoveryTimelineSvg.IsRecoveryKind(e.Kind) ? " data-recovery=\"1\"" : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-kind=\"{E(e.Kind)}\"{recovery}><td class=\"num\">{e.Time.Nanoseconds / 1e6:0.000}</td><td>{E(e.Kind)}</td><td>{(e.Device?.ToString() ?? "")}</td><td>{(e.Domain?.ToString() ?? "")}</td><td>{E(e.Text)}</td><td class=\"details\">{E(EventText.Details(e))}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static string E(string s) => TopologyTreeSvg.Text(s);

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.85em; }
        th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.details { font-family: monospace; font-size: 0.9em; color: #555; }
        tr.failed td, tr.unfinished td { background: #fdecea; }
        .hint { color: #666; font-size: 0.85em; }
        .scroll { overflow-x: auto; border: 1px solid #eee; }
        .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 4px; border: 1px solid #888; }
        svg text { font-family: monospace; font-size: 10px; }
        #topology text { text-anchor: middle; } #topology .addr { font-weight: bold; } #topology .owner { fill: #444; }
        #topology .scope-label { text-anchor: start; fill: #c0392b; font-size: 9px; }
        #topology .node.host-bridge rect { fill: #fff; stroke-width: 2; }
        .tick { stroke: #eee; } .tick-label { text-anchor: middle; fill: #666; } .lane-line { stroke: #ddd; }
        .lane-label { fill: #222; }
        .span-quiesce { fill: #f5b041; opacity: 0.8; } .span-dma { fill: #aab7b8; opacity: 0.5; }
        .span-sbr { fill: #c0392b; } .span-ready { fill: #5dade2; }
        .marker { fill: #222; } .marker.good { fill: #1e8449; } .marker.bad { fill: #c0392b; }
        tr.hidden { display: none; }

        """;

    // Filters the event table; marks the page ready once wired so a browser test can tell the script ran.
    private const string Script = """
        (function () {
          'use strict';
          var filter = document.getElementById('filter');
          var recoveryOnly = document.getElementById('recovery-only');
          var rows = Array.prototype.slice.call(document.querySelectorAll('#events tbody tr'));
          var shown = document.getElementById('shown');
          function apply() {
            var needle = filter.value.trim().toLowerCase();
            var count = 0;
            rows.forEach(function (row) {
              var visible = (!recoveryOnly.checked || row.dataset.recovery === '1')
                && (needle === '' || row.textContent.toLowerCase().indexOf(needle) >= 0);
              row.classList.toggle('hidden', !visible);
              if (visible) count++;
            });
            shown.textContent = String(count);
          }
          filter.addEventListener('input', apply);
          recoveryOnly.addEventListener('change', apply);
          document.querySelectorAll('#topology .node').forEach(function (node) {
            node.addEventListener('click', function () {
              filter.value = node.getAttribute('data-sbdf') || '';
              apply();
            });
          });
          apply();
          document.body.dataset.ready = '1';
          document.body.dataset.devices = String(document.querySelectorAll('#topology .node').length);
        })();

        """;
}
