using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// NVIDIA vendor section (libcper cper-section-nvidia): a 32-byte header (16-character signature, error
/// type and instance, severity, socket, register count, instance base) and that many address/value
/// register pairs. Signature-specific layouts libcper knows (e.g. "CMET-INFO") are not decoded here:
/// they come out as plain register pairs and so differ from libcper.
/// </summary>
public sealed class NvidiaSectionCodec : ICperSectionCodec
{
    private const int HeaderSize = 32, SignatureLength = 16, RegisterSize = 16;

    public Guid SectionType { get; } = new("6d5244f2-2712-11ec-bea7-cb3fdb95c786");
    public string Name => "NVIDIA";
    public string ShortName => "Nvidia";

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = null;
        if (body.Length < HeaderSize) return null;
        int count = body[22];
        if (body.Length < HeaderSize + count * RegisterSize) return null;
        var signature = body[..SignatureLength];
        int end = signature.IndexOf((byte)0);
        var o = new JsonObject
        {
            ["signature"] = System.Text.Encoding.ASCII.GetString(end < 0 ? signature : signature[..end]),
            ["severity"] = CperJsonWriter.Severity((CperSeverity)body[20]),
            ["errorType"] = BinaryPrimitives.ReadUInt16LittleEndian(body[16..]),
            ["errorInstance"] = BinaryPrimitives.ReadUInt16LittleEndian(body[18..]),
            ["socket"] = body[21],
            ["registerCount"] = count,
            ["instanceBase"] = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]),
        };
        var registers = new JsonArray();
        for (int i = 0, at = HeaderSize; i < count; i++, at += RegisterSize)
            registers.Add(new JsonObject
            {
                ["address"] = BinaryPrimitives.ReadUInt64LittleEndian(body[at..]),
                ["value"] = BinaryPrimitives.ReadUInt64LittleEndian(body[(at + 8)..]),
            });
        o["registers"] = registers;
        return o;
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].Nvidia";
        var registers = Child(s, "registers", P, source) as JsonArray ?? throw new FirmwareFormatException(source, 0, P + ".registers", "expected an array");
        var b = new byte[HeaderSize + registers.Count * RegisterSize];
        string signature = Text(Child(s, "signature", P, source), P + ".signature", source);
        for (int i = 0; i < signature.Length && i < SignatureLength; i++) b[i] = (byte)signature[i];
        SectionField.Write(b, 16, 2, U64(s, "errorType", P, source));
        SectionField.Write(b, 18, 2, U64(s, "errorInstance", P, source));
        b[20] = (byte)U64(Child(Child(s, "severity", P, source), "code", P + ".severity", source), P + ".severity.code", source);
        b[21] = (byte)U64(s, "socket", P, source);
        b[22] = (byte)U64(s, "registerCount", P, source);
        SectionField.Write(b, 24, 8, U64(s, "instanceBase", P, source));
        for (int i = 0; i < registers.Count; i++)
        {
            string p = $"{P}.registers[{i}]";
            SectionField.Write(b, HeaderSize + i * RegisterSize, 8, U64(Child(registers[i], "address", p, source), p + ".address", source));
            SectionField.Write(b, HeaderSize + i * RegisterSize + 8, 8, U64(Child(registers[i], "value", p, source), p + ".value", source));
        }
        return b;
    }
}
