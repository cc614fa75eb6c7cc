using System.Globalization;
using System.Text.Json.Nodes;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// The small value shapes libcper's CPER-JSON repeats (readable pairs, GUID text, revisions) and the
/// strict getters the encoder uses, which name the JSON path of a missing or mistyped field.
/// </summary>
public static class CperJsonValues
{
    public static string GuidText(Guid guid) => guid.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>libcper's <c>integer_to_readable_pair</c>: <c>{"value": n, "name": text}</c>.</summary>
    public static JsonObject Pair(ulong value, string name) => new() { ["value"] = value, ["name"] = name };

    /// <summary>A readable pair looked up in a (key, name) table with a default name.</summary>
    public static JsonObject Pair(ulong value, ReadOnlySpan<(ulong Key, string Name)> table, string fallback)
    {
        string name = fallback;
        foreach (var (key, n) in table)
            if (key == value) name = n;
        return Pair(value, name);
    }

    /// <summary>libcper's <c>revision_to_ir</c>: major in the high byte, minor in the low byte.</summary>
    public static JsonObject Revision(ushort revision) => new() { ["major"] = revision >> 8, ["minor"] = revision & 0xFF };

    public static ushort RevisionFrom(JsonNode? node, string path, string source) =>
        (ushort)((U64(Child(node, "major", path, source), path + ".major", source) << 8)
                 | (U64(Child(node, "minor", path, source), path + ".minor", source) & 0xFF));

    public static JsonNode Child(JsonNode? node, string key, string path, string source)
    {
        if (node is not JsonObject o)
            throw new FirmwareFormatException(source, 0, path, "expected a JSON object");
        return o[key] ?? throw new FirmwareFormatException(source, 0, $"{path}.{key}", "is missing");
    }

    public static JsonNode? Optional(JsonObject o, string key) => o.TryGetPropertyValue(key, out var v) ? v : null;

    public static ulong U64(JsonNode? node, string path, string source)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue(out ulong u)) return u;
            if (v.TryGetValue(out long l)) return unchecked((ulong)l);
            if (v.TryGetValue(out double d) && d >= 0 && d <= ulong.MaxValue && Math.Floor(d) == d) return (ulong)d;
            if (v.TryGetValue(out System.Text.Json.JsonElement e) && e.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                if (e.TryGetUInt64(out u)) return u;
                if (e.TryGetInt64(out l)) return unchecked((ulong)l);
            }
        }
        throw new FirmwareFormatException(source, 0, path, "expected an unsigned integer");
    }

    public static ulong U64(JsonObject o, string key, string path, string source) => U64(Child(o, key, path, source), $"{path}.{key}", source);

    public static bool Bool(JsonNode? node, string path, string source)
    {
        if (node is JsonValue v && v.TryGetValue(out bool b)) return b;
        if (node is JsonValue e && e.TryGetValue(out System.Text.Json.JsonElement el) &&
            (el.ValueKind == System.Text.Json.JsonValueKind.True || el.ValueKind == System.Text.Json.JsonValueKind.False))
            return el.GetBoolean();
        throw new FirmwareFormatException(source, 0, path, "expected true or false");
    }

    public static string Text(JsonNode? node, string path, string source)
    {
        if (node is JsonValue v && v.TryGetValue(out string? s) && s is not null) return s;
        if (node is JsonValue e && e.TryGetValue(out System.Text.Json.JsonElement el) && el.ValueKind == System.Text.Json.JsonValueKind.String)
            return el.GetString()!;
        throw new FirmwareFormatException(source, 0, path, "expected a string");
    }

    public static Guid GuidFrom(JsonNode? node, string path, string source)
    {
        string text = Text(node, path, source);
        return Guid.TryParseExact(text, "D", out var g) ? g
            : throw new FirmwareFormatException(source, 0, path, $"'{text}' is not a GUID");
    }

    public static byte[] Base64(JsonNode? node, string path, string source)
    {
        string text = Text(node, path, source);
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { throw new FirmwareFormatException(source, 0, path, "is not valid base64"); }
    }

    /// <summary>libcper's <c>add_int_hex_8/16/32/64</c>: "0x" and <paramref name="digits"/> upper-case hex digits.</summary>
    public static string HexText(ulong value, int digits) => "0x" + value.ToString("X" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The value of a <see cref="HexText"/> string ("0x" optional, as libcper's <c>get_value_hex_*</c> accepts).</summary>
    public static ulong HexFrom(JsonNode? node, string path, string source)
    {
        string text = Text(node, path, source);
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.AsSpan(2) : text.AsSpan();
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v) ? v
            : throw new FirmwareFormatException(source, 0, path, $"'{text}' is not a hexadecimal number");
    }

    /// <summary>Like <see cref="HexFrom"/> for an optional key: 0 when absent (libcper leaves the field zero).</summary>
    public static ulong OptionalHex(JsonObject o, string key, string path, string source) =>
        Optional(o, key) is { } v ? HexFrom(v, $"{path}.{key}", source) : 0;
}
