using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>Typed reads of an event's details (kind-specific fields), tolerant of how the emitter stored them.</summary>
public static class EventDetails
{
    public static object? Get(TimelineEvent e, string key)
    {
        foreach (var (k, v) in e.Details)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return null;
    }

    public static string? GetString(TimelineEvent e, string key) => Get(e, key) switch
    {
        null => null,
        string s => s,
        object o => o.ToString(),
    };

    public static SimTime? GetTime(TimelineEvent e, string key) => Get(e, key) switch
    {
        SimTime t => t,
        long ns => new SimTime(ns),
        _ => null,
    };

    public static bool GetBool(TimelineEvent e, string key) => Get(e, key) is true or "true";

    /// <summary>A list of functions (e.g. a reset scope) stored as Sbdf values or their text.</summary>
    public static IReadOnlyList<Sbdf> GetDevices(TimelineEvent e, string key)
    {
        var result = new List<Sbdf>();
        switch (Get(e, key))
        {
            case Sbdf one: result.Add(one); break;
            case string text: Add(text); break;
            case System.Collections.IEnumerable items:
                foreach (object? item in items)
                {
                    if (item is Sbdf s) result.Add(s);
                    else if (item is string t) Add(t);
                }
                break;
        }
        return result;

        void Add(string text)
        {
            foreach (string part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (Sbdf.TryParse(part, out var s)) result.Add(s);
            }
        }
    }
}
