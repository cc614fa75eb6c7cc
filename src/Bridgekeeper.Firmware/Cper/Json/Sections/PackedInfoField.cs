using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// Encoding helper for the 64-bit "check/error information" words of the processor sections (UEFI
/// 2.10 Tables N-13, N-14, N-18, N-19): validation bits 15:0, each field packed above them. A field
/// present in the JSON is packed and its validation bit set, as libcper's encoder does.
/// </summary>
public static class PackedInfoField
{
    /// <summary>The bits for <paramref name="key"/> (a boolean, an integer or a {value} pair), or 0 when absent.</summary>
    public static ulong Pack(JsonObject d, string key, int validBit, int shift, int width, string path, string source)
    {
        if (!d.TryGetPropertyValue(key, out var node)) return 0;
        ulong value = node switch
        {
            JsonValue v when v.TryGetValue(out bool flag) => flag ? 1UL : 0,
            JsonObject pair => U64(Child(pair, "value", $"{path}.{key}", source), $"{path}.{key}.value", source),
            _ => U64(node, $"{path}.{key}", source),
        };
        return (value & ((1UL << width) - 1)) << shift | 1UL << validBit;
    }
}
