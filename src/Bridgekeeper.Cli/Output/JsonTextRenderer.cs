using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridgekeeper.Cli.Output;

/// <summary>
/// Readable text from a decoded JSON tree: one field per line, nested objects indented, and the
/// (value, name) shapes of CPER-JSON folded to "name (raw)" so names come first with the raw value beside.
/// </summary>
internal static class JsonTextRenderer
{
    public static string Render(JsonNode node)
    {
        var sb = new StringBuilder();
        Write(sb, null, node, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string? key, JsonNode? node, int depth)
    {
        string indent = new(' ', depth * 2);
        string label = key is null ? "" : key + ": ";
        switch (node)
        {
            case JsonObject o when Folded(o) is { } folded:
                sb.Append(indent).Append(label).AppendLine(folded);
                break;
            case JsonObject o:
                if (key is not null) sb.Append(indent).Append(key).AppendLine(":");
                foreach (var (k, v) in o) Write(sb, k, v, key is null ? depth : depth + 1);
                break;
            case JsonArray a:
                sb.Append(indent).Append(key ?? "").AppendLine($": [{a.Count}]");
                for (int i = 0; i < a.Count; i++) Write(sb, $"[{i}]", a[i], depth + 1);
                break;
            case null:
                sb.Append(indent).Append(label).AppendLine("null");
                break;
            default:
                sb.Append(indent).Append(label).AppendLine(Scalar(node));
                break;
        }
    }

    // {"value": n, "name": s}, {"code": n, "name": s}, {"raw": n, "value": s}, {"guid": g, "type": s},
    // {"data": g, "type": s} -> "s (n)".
    private static string? Folded(JsonObject o)
    {
        if (o.Count is < 1 or > 3) return null;
        (string Raw, string Name)[] shapes = [("value", "name"), ("code", "name"), ("raw", "value"), ("guid", "type"), ("data", "type")];
        foreach (var (raw, name) in shapes)
            if (o.Count == 2 && o[raw] is JsonValue r && o[name] is JsonValue n)
                return $"{Scalar(n)} ({Scalar(r)})";
        if (o.Count == 1 && o["raw"] is JsonValue only) return Scalar(only);
        return null;
    }

    private static string Scalar(JsonNode node)
    {
        var e = JsonDocument.Parse(node.ToJsonString()).RootElement;
        return e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
    }
}
