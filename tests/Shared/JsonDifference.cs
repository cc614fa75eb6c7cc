using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridgekeeper.TestSupport;

/// <summary>
/// Deep comparison of two JSON documents ignoring key order and libcper's free-text "message" keys;
/// lists every difference by path so a failing test says exactly which field disagrees.
/// </summary>
public static class JsonDifference
{
    public static List<string> Between(JsonNode? expected, JsonNode? actual)
    {
        var diffs = new List<string>();
        Compare(expected, actual, "$", diffs);
        return diffs;
    }

    private static void Compare(JsonNode? e, JsonNode? a, string path, List<string> diffs)
    {
        switch (e)
        {
            case null:
                if (a is not null) diffs.Add($"{path}: expected null, got {a.ToJsonString()}");
                return;
            case JsonObject eo:
                if (a is not JsonObject ao) { diffs.Add($"{path}: expected object, got {Show(a)}"); return; }
                foreach (var (k, v) in eo)
                {
                    if (k == "message") continue;
                    if (!ao.TryGetPropertyValue(k, out var av)) diffs.Add($"{path}.{k}: missing (expected {Show(v)})");
                    else Compare(v, av, $"{path}.{k}", diffs);
                }
                foreach (var (k, v) in ao)
                    if (k != "message" && !eo.ContainsKey(k)) diffs.Add($"{path}.{k}: unexpected {Show(v)}");
                return;
            case JsonArray ea:
                if (a is not JsonArray aa) { diffs.Add($"{path}: expected array, got {Show(a)}"); return; }
                if (ea.Count != aa.Count) diffs.Add($"{path}: expected {ea.Count} element(s), got {aa.Count}");
                for (int i = 0; i < Math.Min(ea.Count, aa.Count); i++) Compare(ea[i], aa[i], $"{path}[{i}]", diffs);
                return;
            default:
                if (a is not JsonValue || !SameValue(e.AsValue(), a.AsValue()))
                    diffs.Add($"{path}: expected {Show(e)}, got {Show(a)}");
                return;
        }
    }

    private static bool SameValue(JsonValue e, JsonValue a)
    {
        var ee = JsonDocument.Parse(e.ToJsonString()).RootElement;
        var ae = JsonDocument.Parse(a.ToJsonString()).RootElement;
        if (ee.ValueKind != ae.ValueKind) return false;
        return ee.ValueKind switch
        {
            JsonValueKind.Number => ee.TryGetUInt64(out var eu) && ae.TryGetUInt64(out var au) ? eu == au
                : ee.TryGetInt64(out var el) && ae.TryGetInt64(out var al) ? el == al
                : ee.GetDouble() == ae.GetDouble(),
            JsonValueKind.String => ee.GetString() == ae.GetString(),
            _ => true,
        };
    }

    private static string Show(JsonNode? n) => n is null ? "null" : n.ToJsonString() is { Length: > 80 } s ? s[..80] + "…" : n.ToJsonString();
}
