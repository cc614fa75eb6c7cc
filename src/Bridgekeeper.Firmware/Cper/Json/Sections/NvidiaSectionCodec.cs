using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// NVIDIA vendor section (libcper cper-section-nvidia): a 32-byte header (16-character signature, error
/// type and instance, severity, socket, register count, instance base) followed by what the signature
/// says, picked by prefix like libcper does: "CMET-INFO" -> one memory channel per 16-byte register
/// (<c>CMETInfo</c>), "FWERROR" -> a 96-byte firmware error record (<c>FWErrorInfo</c>, null when the
/// section is too short), anything else -> address/value register pairs. libcper's encoder only reads
/// <c>registers</c>: the CMET and FWERROR forms encode as the bare header (the JSON's sectionLength
/// then exceeds the bytes written, as with libcper).
/// </summary>
public sealed class NvidiaSectionCodec : ICperSectionCodec
{
    private const int HeaderSize = 32, SignatureLength = 16, RegisterSize = 16;

    public Guid SectionType { get; } = new("6d5244f2-2712-11ec-bea7-cb3fdb95c786");
    public string Name => "NVIDIA";
    public string ShortName => "Nvidia";

    // EFI_NVIDIA_CMET_CHANNEL_INFO: ErrorCount (32 bits), then Enabled (bit 0), IsSpare (bit 1),
    // PermanentlyDisabled (bit 2, not shown by libcper), DisabledReason (bits 4:3).
    private static readonly string[] DisabledReasons =
        ["Alias Checker Failed", "Training at POR frequency failed", "Training at boot frequency failed", "Threshold of bad pages exceeded"];

    // EFI_NVIDIA_FWERROR: the fields libcper shows (offset, name, 0 = 8-byte text, 1 = 64-bit hex).
    private const int FwErrorSize = 96;
    private static readonly (int At, string Name, bool Text)[] FwErrorFields =
    [
        (0, "initiating_firmware", true), (8, "task_checkpoint", false), (16, "mb1_error_code", false), (24, "mb1_version_string", true),
        (32, "bad_pages_retired_mask", false), (40, "training_or_alias_check_retired_mask", false),
    ];

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = null;
        if (body.Length < HeaderSize) return null;
        int count = body[22];
        var signature = body[..SignatureLength];
        int end = signature.IndexOf((byte)0);
        string name = System.Text.Encoding.ASCII.GetString(end < 0 ? signature : signature[..end]);
        bool cmet = name.StartsWith("CMET-INFO", StringComparison.Ordinal), fwError = !cmet && name.StartsWith("FWERROR", StringComparison.Ordinal);
        if (!fwError && body.Length < HeaderSize + count * RegisterSize) return null;
        var o = new JsonObject
        {
            ["signature"] = name,
            ["severity"] = CperJsonWriter.Severity((CperSeverity)body[20]),
            ["errorType"] = BinaryPrimitives.ReadUInt16LittleEndian(body[16..]),
            ["errorInstance"] = BinaryPrimitives.ReadUInt16LittleEndian(body[18..]),
            ["socket"] = body[21],
            ["registerCount"] = count,
            ["instanceBase"] = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]),
        };
        if (fwError)
        {
            o["FWErrorInfo"] = body.Length < HeaderSize + FwErrorSize ? null : FwErrorJson(body.Slice(HeaderSize, FwErrorSize));
            return o;
        }
        var registers = new JsonArray();
        for (int i = 0, at = HeaderSize; i < count; i++, at += RegisterSize)
        {
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(body[at..]);
            if (!cmet)
            {
                registers.Add(new JsonObject { ["address"] = address, ["value"] = BinaryPrimitives.ReadUInt64LittleEndian(body[(at + 8)..]) });
                continue;
            }
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 12)..]);
            uint reason = flags >> 3 & 3;
            registers.Add(new JsonObject
            {
                ["ChannelAddress"] = HexText(address, 16),
                ["ErrorCount"] = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 8)..]),
                ["ChannelEnabled"] = (flags & 1) != 0,
                ["ChannelIsSpare"] = (flags & 2) != 0,
                ["DisabledReason"] = new JsonObject { ["raw"] = reason, ["value"] = DisabledReasons[reason] },
            });
        }
        o[cmet ? "CMETInfo" : "registers"] = registers;
        return o;
    }

    private static JsonObject FwErrorJson(ReadOnlySpan<byte> f)
    {
        var o = new JsonObject();
        foreach (var (at, name, text) in FwErrorFields)
        {
            if (!text) o[name] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(f[at..]), 16);
            else if (ArmRasSectionCodec.PrintableText(f.Slice(at, 8)) is { } s) o[name] = s;
        }
        return o;
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].Nvidia";
        // libcper's encoder reads only "registers" (none when absent, as in the CMETInfo and FWErrorInfo forms).
        var registers = Optional(s, "registers") switch
        {
            null => [],
            JsonArray list => list,
            _ => throw new FirmwareFormatException(source, 0, P + ".registers", "expected an array"),
        };
        var b = new byte[HeaderSize + registers.Count * RegisterSize];
        string signature = Text(Child(s, "signature", P, source), P + ".signature", source);
        // strncpy of at most 15 characters: the last signature byte stays NUL.
        for (int i = 0; i < signature.Length && i < SignatureLength - 1; i++) b[i] = (byte)signature[i];
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
