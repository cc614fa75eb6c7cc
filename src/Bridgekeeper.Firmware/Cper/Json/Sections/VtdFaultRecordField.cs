using System.Numerics;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The 128-bit VT-d Fault Recording Register copied into a VT-d DMAr section (UEFI 2.10 App. N.2.11.2;
/// Intel VT-d §11.4.14): fault information 63:12, source ID 79:64, privilege 93, execute 94, PASID
/// present 95, fault reason 103:96, PASID 123:104, address type 125:124, type 126.
/// </summary>
public sealed record VtdFaultRecordField(int Offset) : SectionField("faultRecord", -1)
{
    private static readonly (string Key, int Shift, int Width, int Kind)[] Parts =
    [
        ("faultInformation", 12, 52, 0), ("sourceIdentifier", 64, 16, 0), ("privelegeModeRequested", 93, 1, 1),
        ("executePermissionRequested", 94, 1, 1), ("pasidPresent", 95, 1, 1), ("faultReason", 96, 8, 0), ("pasidValue", 104, 20, 0),
        ("addressType", 124, 2, 0), ("type", 126, 1, 2),
    ];

    private static UInt128 Value(ReadOnlySpan<byte> body, int offset) => new(Read(body, offset + 8, 8), Read(body, offset, 8));

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        UInt128 v = Value(body, Offset);
        var o = new JsonObject();
        foreach (var (key, shift, width, kind) in Parts)
        {
            ulong f = (ulong)((v >> shift) & ((UInt128.One << width) - 1));
            o[key] = kind switch
            {
                1 => f != 0,
                2 => Pair(f, f == 0 ? "Write Request" : "Read Request"),
                _ => f,
            };
        }
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        UInt128 v = UInt128.Zero;
        foreach (var (key, shift, width, kind) in Parts)
        {
            var node = Child(value, key, path, source);
            ulong f = kind switch
            {
                1 => Bool(node, $"{path}.{key}", source) ? 1UL : 0,
                2 => U64(Child(node, "value", $"{path}.{key}", source), $"{path}.{key}.value", source),
                _ => U64(node, $"{path}.{key}", source),
            };
            v |= ((UInt128)f & ((UInt128.One << width) - 1)) << shift;
        }
        Write(body, Offset, 8, (ulong)v);
        Write(body, Offset + 8, 8, (ulong)(v >> 64));
        return Bit;
    }
}
