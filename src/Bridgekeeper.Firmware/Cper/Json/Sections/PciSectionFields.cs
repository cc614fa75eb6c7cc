using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>PCI/PCI-X Bus ID (UEFI 2.10 App. N.2.8): bus number in bits 7:0, segment in bits 15:8.</summary>
public sealed record PciBusIdField(int ValidBitValue, int Offset) : SectionField("busID", ValidBitValue)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong v = Read(body, Offset, 2);
        target[Name] = new JsonObject { ["busNumber"] = v & 0xFF, ["segmentNumber"] = v >> 8 };
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        ulong bus = U64(Child(value, "busNumber", path, source), path + ".busNumber", source) & 0xFF;
        ulong segment = U64(Child(value, "segmentNumber", path, source), path + ".segmentNumber", source) & 0xFF;
        Write(body, Offset, 2, bus | segment << 8);
        return Bit;
    }
}

/// <summary>PCI/PCI-X Bus Command (UEFI 2.10 App. N.2.8): byte 7 bit 0 set = PCI-X command.</summary>
public sealed record PciBusCommandField(int ValidBitValue, int Offset) : SectionField("busCommandType", ValidBitValue)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) =>
        target[Name] = ((Read(body, Offset, 8) >> 56) & 1) == 0 ? "PCI" : "PCI-X";

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        Write(body, Offset, 8, Text(value, path, source) == "PCI" ? 0 : 1UL << 56);
        return Bit;
    }
}

/// <summary>PCI Component ID info (UEFI 2.10 App. N.2.9): vendor, device, 24-bit class code, function, device, bus, segment.</summary>
public sealed record PciComponentIdField(int ValidBitValue, int Offset) : SectionField("idInfo", ValidBitValue)
{
    private static readonly (string Key, int Offset, int Size)[] Parts =
        [("vendorID", 0, 2), ("deviceID", 2, 2), ("classCode", 4, 3), ("functionNumber", 7, 1), ("deviceNumber", 8, 1),
         ("busNumber", 9, 1), ("segmentNumber", 10, 1)];

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        var o = new JsonObject();
        foreach (var (key, at, size) in Parts) o[key] = Read(body, Offset + at, size);
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        foreach (var (key, at, size) in Parts)
            Write(body, Offset + at, size, U64(Child(value, key, path, source), $"{path}.{key}", source));
        return Bit;
    }
}

/// <summary>
/// The register pairs after a PCI Component section's fixed part: memoryNumber + ioNumber pairs of two
/// 64-bit values, shown (validation bit 4) as <c>registerDataPairs</c>.
/// </summary>
public sealed class PciComponentRegisterPairs : IVariableTail
{
    private const int ValidBit = 4, PairSize = 16;

    private static long PairCount(ReadOnlySpan<byte> body) => (long)SectionField.Read(body, 32, 4) + (long)SectionField.Read(body, 36, 4);

    public bool Fits(ReadOnlySpan<byte> body, int fixedSize) => fixedSize + PairCount(body) * PairSize <= body.Length;

    public void ToJson(ReadOnlySpan<byte> body, int fixedSize, ulong valid, JsonObject target)
    {
        if (((valid >> ValidBit) & 1) == 0) return;
        var pairs = new JsonArray();
        long count = PairCount(body);
        for (long i = 0; i < count; i++)
        {
            int at = fixedSize + (int)i * PairSize;
            pairs.Add(new JsonObject { ["firstHalf"] = SectionField.Read(body, at, 8), ["secondHalf"] = SectionField.Read(body, at + 8, 8) });
        }
        target["registerDataPairs"] = pairs;
    }

    public byte[] FromJson(JsonObject section, ref ulong valid, string path, string source)
    {
        if (!section.TryGetPropertyValue("registerDataPairs", out var node)) return [];
        if (node is not JsonArray pairs) throw new FirmwareFormatException(source, 0, path + ".registerDataPairs", "expected an array");
        valid |= 1UL << ValidBit;
        var bytes = new byte[pairs.Count * PairSize];
        for (int i = 0; i < pairs.Count; i++)
        {
            string p = $"{path}.registerDataPairs[{i}]";
            SectionField.Write(bytes, i * PairSize, 8, U64(Child(pairs[i], "firstHalf", p, source), p + ".firstHalf", source));
            SectionField.Write(bytes, i * PairSize + 8, 8, U64(Child(pairs[i], "secondHalf", p, source), p + ".secondHalf", source));
        }
        return bytes;
    }
}
