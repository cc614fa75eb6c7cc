using System.Globalization;
using System.Text;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Report;

/// <summary>The one plain-text rendering of an event (report tooltips and tables, terminal fallback).</summary>
public static class EventText
{
    public static string Line(TimelineEvent e)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{e.Time.Nanoseconds / 1e6,12:0.000} ms  {e.Kind,-18}");
        sb.Append(e.Device is { } d ? d.ToString() : "-").Append("  ");
        sb.Append(e.Domain is { } dom ? dom.ToString() : "-").Append("  ");
        sb.Append(e.Text);
        return sb.ToString();
    }

    /// <summary>Details as <c>key=value</c> pairs in their fixed order.</summary>
    public static string Details(TimelineEvent e) =>
        string.Join(" ", e.Details.Select(kv => $"{kv.Key}={Value(kv.Value)}"));

    public static string Value(object? v) => v switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        SimTime t => t.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(Value)) + "]",
        _ => v.ToString() ?? "",
    };
}
