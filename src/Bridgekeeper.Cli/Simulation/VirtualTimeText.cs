using System.Globalization;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>Virtual times as scenario files write them: a number and a unit (<c>ns</c>, <c>us</c>, <c>ms</c>, <c>s</c>).</summary>
public static class VirtualTimeText
{
    public static bool TryParse(string text, out SimTime time)
    {
        time = default;
        string t = text.Trim();
        (string unit, long nsPerUnit) = t.EndsWith("ns", StringComparison.Ordinal) ? ("ns", 1L)
            : t.EndsWith("us", StringComparison.Ordinal) ? ("us", 1_000L)
            : t.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 1_000_000L)
            : t.EndsWith('s') ? ("s", 1_000_000_000L)
            : ("", 0L);
        if (nsPerUnit == 0) return false;
        var number = t.AsSpan(0, t.Length - unit.Length).Trim();
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)) return false;
        decimal ns = value * nsPerUnit;
        if (ns < 0 || ns > long.MaxValue / 2 || ns != decimal.Truncate(ns)) return false;
        time = new SimTime((long)ns);
        return true;
    }

    /// <summary>The shortest exact text for a time: <c>50ms</c>, <c>250us</c>, <c>1500ns</c>.</summary>
    public static string Format(SimTime time) =>
        time.Nanoseconds % 1_000_000_000 == 0 && time.Nanoseconds != 0 ? string.Create(CultureInfo.InvariantCulture, $"{time.Nanoseconds / 1_000_000_000}s")
        : time.Nanoseconds % 1_000_000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{time.Nanoseconds / 1_000_000}ms")
        : time.Nanoseconds % 1_000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{time.Nanoseconds / 1_000}us")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Nanoseconds}ns");
}
