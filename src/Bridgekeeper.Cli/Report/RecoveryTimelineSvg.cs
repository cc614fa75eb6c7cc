using System.Globalization;
using System.Text;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// Draws the recovery steps of the event stream as an SVG chart over virtual milliseconds: one lane per
/// owner (its notification, vote, quiesce and resume) and one lane per device the hypervisor works on
/// (DMA blocked, SBR held, readiness wait, restore). Spans are drawn between the paired events; every
/// event is a marker whose tooltip is its line in the timeline.
/// </summary>
internal static class RecoveryTimelineSvg
{
    private const int LabelWidth = 170, PlotWidth = 900, LaneHeight = 34, Top = 28, Right = 48;

    private static readonly HashSet<string> RecoveryKinds =
    [
        EventKinds.ErrorDetected, EventKinds.OwnerNotified, EventKinds.OwnerVote, EventKinds.OwnerQuiesced,
        EventKinds.DmaBlocked, EventKinds.SbrAssert, EventKinds.SbrDeassert, EventKinds.DeviceReady,
        EventKinds.ConfigRestored, EventKinds.DmaUnblocked, EventKinds.OwnerResumed, EventKinds.RecoveryComplete,
        EventKinds.RecoveryFailed, EventKinds.DeviceQuarantined,
    ];

    // Spans: (opening kind, closing kind, css class, label, same lane). A span closes at the next closing
    // event in the same lane; the readiness wait opens at the bridge's SBR deassert and closes when each
    // device below it is ready, so it is drawn in the device's lane.
    private static readonly (string Open, string Close, string Css, string Label, bool SameLane)[] Spans =
    [
        (EventKinds.OwnerNotified, EventKinds.OwnerQuiesced, "span-quiesce", "quiescing", true),
        (EventKinds.DmaBlocked, EventKinds.DmaUnblocked, "span-dma", "DMA blocked", true),
        (EventKinds.SbrAssert, EventKinds.SbrDeassert, "span-sbr", "SBR asserted", true),
        (EventKinds.SbrDeassert, EventKinds.DeviceReady, "span-ready", "readiness wait", false),
    ];

    public static bool IsRecoveryKind(string kind) => RecoveryKinds.Contains(kind);

    public static void Render(IReadOnlyList<TimelineEvent> events, StringBuilder html)
    {
        var steps = events.Where(e => RecoveryKinds.Contains(e.Kind)).ToList();
        if (steps.Count == 0)
        {
            html.Append("<p class=\"empty\">No recovery happened in this run.</p>\n");
            return;
        }
        var lanes = new List<string>();
        foreach (var e in steps)
        {
            string lane = LaneOf(e);
            if (!lanes.Contains(lane)) lanes.Add(lane);
        }
        long t0 = steps[0].Time.Nanoseconds, t1 = Math.Max(steps[^1].Time.Nanoseconds, t0 + 1);
        double X(long ns) => LabelWidth + (ns - t0) * (double)PlotWidth / (t1 - t0);
        double Y(string lane) => Top + lanes.IndexOf(lane) * LaneHeight;
        int width = LabelWidth + PlotWidth + Right, height = Top + lanes.Count * LaneHeight + 24;

        html.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"timeline-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Recovery timeline\">\n");
        // Axis: ten ticks in virtual milliseconds.
        for (int i = 0; i <= 10; i++)
        {
            long ns = t0 + (t1 - t0) * i / 10;
            double x = X(ns);
            html.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{x:0.#}\" y1=\"{Top - 6}\" x2=\"{x:0.#}\" y2=\"{height - 20}\" class=\"tick\"/><text x=\"{x:0.#}\" y=\"{Top - 10}\" class=\"tick-label\">{ns / 1e6:0.#} ms</text>\n");
        }
        foreach (var lane in lanes)
        {
            double y = Y(lane);
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"6\" y=\"{y + LaneHeight / 2 + 4:0.#}\" class=\"lane-label\">{TopologyTreeSvg.Text(lane)}</text><line x1=\"{LabelWidth}\" y1=\"{y + LaneHeight:0.#}\" x2=\"{LabelWidth + PlotWidth}\" y2=\"{y + LaneHeight:0.#}\" class=\"lane-line\"/>\n");
        }
        foreach (var (open, close, css, label, sameLane) in Spans)
        {
            var pending = new Dictionary<string, TimelineEvent>(StringComparer.Ordinal);
            TimelineEvent? lastOpen = null;
            foreach (var e in steps)
            {
                string lane = LaneOf(e);
                if (e.Kind == close)
                {
                    if (sameLane && pending.Remove(lane, out var start)) Bar(start, e.Time.Nanoseconds, lane, css, label);
                    else if (!sameLane && lastOpen is not null) Bar(lastOpen, e.Time.Nanoseconds, lane, css, label);
                }
                if (e.Kind == open)
                {
                    pending.TryAdd(lane, e);
                    lastOpen = e;
                }
            }
        }
        foreach (var e in steps)
        {
            double x = X(e.Time.Nanoseconds), y = Y(LaneOf(e)) + LaneHeight / 2.0;
            string cls = e.Kind is EventKinds.RecoveryFailed or EventKinds.DeviceQuarantined ? "marker bad" : e.Kind == EventKinds.RecoveryComplete ? "marker good" : "marker";
            html.Append(CultureInfo.InvariantCulture,
                $"<circle cx=\"{x:0.##}\" cy=\"{y:0.#}\" r=\"4\" class=\"{cls}\" data-kind=\"{e.Kind}\"><title>{TopologyTreeSvg.Text(EventText.Line(e))}</title></circle>\n");
        }
        html.Append("</svg>\n");

        void Bar(TimelineEvent start, long endNs, string lane, string css, string label)
        {
            double x0 = X(start.Time.Nanoseconds), x1 = Math.Max(X(endNs), x0 + 1), y = Y(lane);
            string title = $"{label}: {start.Time} to {new SimTime(endNs)} ({new SimTime(endNs - start.Time.Nanoseconds)})";
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x0:0.##}\" y=\"{y + 8:0.#}\" width=\"{x1 - x0:0.##}\" height=\"{LaneHeight - 16}\" class=\"{css}\"><title>{TopologyTreeSvg.Text(title)}</title></rect>\n");
        }
    }

    /// <summary>Owner steps go in the owner's lane; the hypervisor's steps go in the lane of the device they act on.</summary>
    internal static string LaneOf(TimelineEvent e) => e.Kind switch
    {
        EventKinds.OwnerNotified or EventKinds.OwnerVote or EventKinds.OwnerQuiesced or EventKinds.OwnerResumed when e.Domain is { } d
            => $"owner {d}",
        _ => e.Device is { } s ? $"hypervisor {s.ToShortString()}" : "hypervisor",
    };
}
