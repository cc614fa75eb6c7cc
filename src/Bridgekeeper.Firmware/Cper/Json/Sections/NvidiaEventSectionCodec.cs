using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// NVIDIA event section (libcper cper-section-nvidia-events, GUID 9068e568-…): a packed 32-byte event
/// header (version, context count, source device type, reserved, event type, subtype, link id,
/// 16-character signature), a 3-byte info header (version major.minor, info size including itself),
/// the device's event info (CPU 29 bytes, GPU 13 bytes, both packed), then the contexts, each a 16-byte
/// header (context size, version, reserved, data format type and version, data size) and its data.
/// The decoder walks contexts by their stated sizes from the end of the info (InfoSize bytes after the
/// event header), as libcper does; the encoder pads the info and every context to 16 bytes and states
/// CtxSize as the padded size, as libcper's json-to-cper does.
/// </summary>
public sealed class NvidiaEventSectionCodec : ICperSectionCodec
{
    private const int HeaderSize = 32, InfoHeaderSize = 3, ContextHeaderSize = 16, SignatureAt = 16, SignatureLength = 16;
    private const int CpuInfoSize = 29, GpuInfoSize = 13;
    // libcper's EFI_NVIDIA_EVENT_HEADER_VERSION and the info major versions its CPU and GPU handlers
    // accept (the reference records carry CPU info 0.1 and GPU info 1.0, both decoded).
    private const byte EventHeaderVersion = 1, CpuInfoMajor = 0, GpuInfoMajor = 1;
    internal const byte Cpu = 0, Gpu = 1;

    private static readonly string[] SourceDeviceTypes = ["CPU", "GPU", "DPU", "NIC", "SWX", "BMC"];
    private static readonly string[] EventOriginators = ["Invalid", "Reserved1", "PF_GSP_FW", "VF_GSP_FW", "PF_DRIVER", "VF_DRIVER"];

    public Guid SectionType { get; } = new("9068e568-6ca0-11f0-aeaf-159343591eac");
    public string Name => "NvidiaEvent";
    public string ShortName => "NvidiaEvent";

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = null;
        // libcper skips an event whose header version it does not know; it is then shown as Unknown.
        if (body.Length < HeaderSize + InfoHeaderSize || body[0] != EventHeaderVersion) return null;
        byte device = body[2];
        string signature = ArmRasSectionCodec.PrintableText(body.Slice(SignatureAt, SignatureLength)) ?? "";
        message = $"A {signature} Nvidia Event occurred";
        var header = new JsonObject
        {
            ["signature"] = signature,
            ["version"] = body[0],
            ["sourceDeviceType"] = device < SourceDeviceTypes.Length ? SourceDeviceTypes[device] : "Unknown",
            ["type"] = HexText(BinaryPrimitives.ReadUInt16LittleEndian(body[4..]), 4),
            ["subtype"] = HexText(BinaryPrimitives.ReadUInt16LittleEndian(body[6..]), 4),
        };
        ulong linkId = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        if (linkId != 0) header["linkId"] = HexText(linkId, 16);

        ushort infoVersion = BinaryPrimitives.ReadUInt16LittleEndian(body[HeaderSize..]);
        int infoSize = body[HeaderSize + 2];
        int major = infoVersion >> 8, minor = infoVersion & 0xFF;
        var info = new JsonObject { ["version"] = string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}") };
        // A device libcper has no handler for, or an info major version it does not accept, shows only the version.
        if ((device == Cpu && major == CpuInfoMajor) || (device == Gpu && major == GpuInfoMajor))
        {
            var deviceInfo = new JsonObject();
            info[device == Cpu ? "cpu" : "gpu"] = deviceInfo;
            int needed = InfoHeaderSize + (device == Cpu ? CpuInfoSize : GpuInfoSize);
            var fields = body[(HeaderSize + InfoHeaderSize)..];
            if (infoSize >= needed && HeaderSize + needed <= body.Length)
            {
                if (device == Cpu) CpuInfoJson(fields, deviceInfo);
                else GpuInfoJson(fields, deviceInfo);
            }
        }

        var contexts = new JsonArray();
        int count = body[1];
        for (int i = 0; i < count; i++)
        {
            int at = ContextAt(body, i);
            if (at < 0) continue;
            var ctx = body[at..];
            uint dataSize = BinaryPrimitives.ReadUInt32LittleEndian(ctx[12..]);
            ushort format = BinaryPrimitives.ReadUInt16LittleEndian(ctx[8..]);
            var data = new JsonObject();
            contexts.Add(new JsonObject
            {
                ["version"] = BinaryPrimitives.ReadUInt16LittleEndian(ctx[4..]),
                ["dataFormatType"] = HexText(format, 4),
                ["dataFormatVersion"] = BinaryPrimitives.ReadUInt16LittleEndian(ctx[10..]),
                ["dataSize"] = dataSize,
                ["data"] = data,
            });
            // Data past the section's end leaves the variant empty (libcper logs and skips it).
            bool inside = (long)at + ContextHeaderSize + dataSize <= body.Length;
            var bytes = inside ? ctx.Slice(ContextHeaderSize, (int)dataSize) : [];
            NvidiaEventContextData.ToJson(device, format, bytes, inside, data);
        }
        return new JsonObject { ["eventHeader"] = header, ["eventInfo"] = info, ["eventContexts"] = contexts };
    }

    /// <summary>libcper's <c>get_event_context_n</c>: offset of context <paramref name="n"/>, or -1 when any step leaves the section.</summary>
    private static int ContextAt(ReadOnlySpan<byte> body, int n)
    {
        long at = HeaderSize + (long)body[HeaderSize + 2];
        if (at > body.Length) return -1;
        for (int i = 0; i < n; i++)
        {
            if (at + ContextHeaderSize > body.Length) return -1;
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(body[(int)at..]);
            if (at + size > body.Length) return -1;
            at += size;
        }
        return at + ContextHeaderSize > body.Length ? -1 : (int)at;
    }

    private static void CpuInfoJson(ReadOnlySpan<byte> f, JsonObject o)
    {
        uint arch = BinaryPrimitives.ReadUInt32LittleEndian(f[1..]);
        o["SocketNum"] = f[0];
        // Architecture: hidFam 3:0, major revision 7:4, chip id 15:8, minor revision 19:16,
        // pre-silicon platform 24:20 (shown only as zero / non-zero), error injection 31.
        o["Architecture"] = new JsonObject
        {
            ["hidFam"] = HexText(arch & 0xF, 2),
            ["revision"] = string.Create(CultureInfo.InvariantCulture, $"{arch >> 4 & 0xF}.{arch >> 16 & 0xF}"),
            ["chipId"] = HexText(arch >> 8 & 0xFF, 2),
            ["preSiPlatform"] = (arch >> 20 & 0x1F) == 0 ? "Silicon" : "PreSilicon",
            ["errorInjection"] = (arch >> 31) != 0,
        };
        for (int i = 0; i < 4; i++)
            o[string.Create(CultureInfo.InvariantCulture, $"Ecid{i + 1}")] = HexText(BinaryPrimitives.ReadUInt32LittleEndian(f[(5 + 4 * i)..]), 8);
        o["InstanceBase"] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(f[21..]), 16);
    }

    private static void GpuInfoJson(ReadOnlySpan<byte> f, JsonObject o)
    {
        o["EventOriginator"] = f[0] < EventOriginators.Length ? EventOriginators[f[0]] : "Unknown";
        o["SourcePartition"] = BinaryPrimitives.ReadUInt16LittleEndian(f[1..]);
        o["SourceSubPartition"] = BinaryPrimitives.ReadUInt16LittleEndian(f[3..]);
        o["Pdi"] = PdiText(BinaryPrimitives.ReadUInt64LittleEndian(f[5..]));
    }

    /// <summary>libcper's PDI form: the 64-bit value as eight colon-separated hex bytes, most significant first.</summary>
    internal static string PdiText(ulong pdi)
    {
        var parts = new string[8];
        for (int i = 0; i < 8; i++) parts[i] = ((byte)(pdi >> (56 - 8 * i))).ToString("X2", CultureInfo.InvariantCulture);
        return string.Join(':', parts);
    }

    /// <summary>The PDI of <see cref="PdiText"/>; libcper leaves it 0 unless all eight bytes parse.</summary>
    internal static ulong PdiFrom(JsonNode? node, string path, string source)
    {
        if (node is null) return 0;
        var parts = Text(node, path, source).Split(':');
        if (parts.Length < 8) return 0;
        ulong v = 0;
        for (int i = 0; i < 8; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)) return 0;
            v = v << 8 | b;
        }
        return v;
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].NvidiaEvent";
        var header = Child(s, "eventHeader", P, source) as JsonObject
            ?? throw new FirmwareFormatException(source, 0, P + ".eventHeader", "expected an object");
        var output = new List<byte>();
        var h = new byte[HeaderSize];
        h[0] = (byte)U64(header, "version", P + ".eventHeader", source);
        // libcper writes nothing at all for an event header version it does not know.
        if (h[0] != EventHeaderVersion) return [];
        if (Optional(header, "sourceDeviceType") is { } typeName)
        {
            int index = Array.IndexOf(SourceDeviceTypes, Text(typeName, P + ".eventHeader.sourceDeviceType", source));
            if (index >= 0) h[2] = (byte)index;
        }
        SectionField.Write(h, 4, 2, OptionalHex(header, "type", P + ".eventHeader", source));
        SectionField.Write(h, 6, 2, OptionalHex(header, "subtype", P + ".eventHeader", source));
        SectionField.Write(h, 8, 8, OptionalHex(header, "linkId", P + ".eventHeader", source));
        if (Optional(header, "signature") is { } sig)
        {
            string text = Text(sig, P + ".eventHeader.signature", source);
            for (int i = 0; i < text.Length && i < SignatureLength; i++) h[SignatureAt + i] = (byte)text[i];
        }
        var contexts = Optional(s, "eventContexts") as JsonArray;
        h[1] = (byte)(contexts?.Count ?? 0);
        output.AddRange(h);

        var info = Optional(s, "eventInfo") as JsonObject;
        var (major, minor) = InfoVersionFrom(info is null ? null : Optional(info, "version"), P + ".eventInfo.version", source);
        byte device = h[2];
        // No handler for the device, or a major version the handler refuses: libcper stops after the event header.
        if (!((device == Cpu && major == CpuInfoMajor) || (device == Gpu && major == GpuInfoMajor))) return [.. output];
        int infoSize = device == Cpu ? CpuInfoSize : GpuInfoSize;
        var infoBytes = new byte[InfoHeaderSize + infoSize];
        infoBytes[0] = (byte)minor;
        infoBytes[1] = (byte)major;
        infoBytes[2] = (byte)infoBytes.Length;
        // The device fields sit under "cpu"/"gpu"; libcper falls back to the eventInfo object itself.
        var fields = (info is null ? null : Optional(info, device == Cpu ? "cpu" : "gpu") as JsonObject) ?? info ?? [];
        string ip = $"{P}.eventInfo.{(device == Cpu ? "cpu" : "gpu")}";
        if (device == Cpu) CpuInfoFrom(fields, infoBytes.AsSpan(InfoHeaderSize), ip, source);
        else GpuInfoFrom(fields, infoBytes.AsSpan(InfoHeaderSize), ip, source);
        output.AddRange(infoBytes);
        Pad(output, infoBytes.Length);

        for (int i = 0; contexts is not null && i < contexts.Count; i++)
        {
            if (contexts[i] is not JsonObject ctx) continue;
            string cp = $"{P}.eventContexts[{i}]";
            var c = new byte[ContextHeaderSize];
            SectionField.Write(c, 4, 2, OptionalU64(ctx, "version", cp, source));
            ushort format = (ushort)OptionalHex(ctx, "dataFormatType", cp, source);
            SectionField.Write(c, 8, 2, format);
            SectionField.Write(c, 10, 2, OptionalU64(ctx, "dataFormatVersion", cp, source));
            uint dataSize = (uint)OptionalU64(ctx, "dataSize", cp, source);
            SectionField.Write(c, 12, 4, dataSize);
            SectionField.Write(c, 0, 4, (ContextHeaderSize + dataSize + 15) & ~15u);
            byte[] data = NvidiaEventContextData.FromJson(device, format, dataSize, Optional(ctx, "data") as JsonObject, cp + ".data", source);
            output.AddRange(c);
            output.AddRange(data);
            Pad(output, ContextHeaderSize + data.Length);
        }
        return [.. output];
    }

    private static void Pad(List<byte> output, int written)
    {
        for (int i = (16 - written % 16) % 16; i > 0; i--) output.Add(0);
    }

    private static ulong OptionalU64(JsonObject o, string key, string path, string source) =>
        Optional(o, key) is { } v ? U64(v, $"{path}.{key}", source) : 0;

    /// <summary>"major.minor" as libcper's sscanf reads it (missing parts stay 0).</summary>
    private static (uint Major, uint Minor) InfoVersionFrom(JsonNode? node, string path, string source)
    {
        if (node is null) return (0, 0);
        var parts = Text(node, path, source).Split('.');
        uint major = parts.Length > 0 && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint a) ? a : 0;
        uint minor = parts.Length > 1 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint b) ? b : 0;
        return (major, minor);
    }

    private static void CpuInfoFrom(JsonObject o, Span<byte> f, string path, string source)
    {
        f[0] = (byte)OptionalU64(o, "SocketNum", path, source);
        uint arch = 0;
        if (Optional(o, "Architecture") is JsonObject a)
        {
            string ap = path + ".Architecture";
            var (major, minor) = InfoVersionFrom(Optional(a, "revision"), ap + ".revision", source);
            bool silicon = Optional(a, "preSiPlatform") is { } pre && Text(pre, ap + ".preSiPlatform", source) == "Silicon";
            bool injection = Optional(a, "errorInjection") is { } inj && Bool(inj, ap + ".errorInjection", source);
            arch = (uint)(OptionalHex(a, "hidFam", ap, source) & 0xF) | (major & 0xF) << 4 | (uint)(OptionalHex(a, "chipId", ap, source) & 0xFF) << 8
                | (minor & 0xF) << 16 | (silicon ? 0u : 1u) << 20 | (injection ? 1u : 0u) << 31;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(f[1..], arch);
        for (int i = 0; i < 4; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(f[(5 + 4 * i)..], (uint)OptionalHex(o, string.Create(CultureInfo.InvariantCulture, $"Ecid{i + 1}"), path, source));
        BinaryPrimitives.WriteUInt64LittleEndian(f[21..], OptionalHex(o, "InstanceBase", path, source));
    }

    private static void GpuInfoFrom(JsonObject o, Span<byte> f, string path, string source)
    {
        if (Optional(o, "EventOriginator") is { } name)
        {
            int index = Array.IndexOf(EventOriginators, Text(name, path + ".EventOriginator", source));
            if (index >= 0) f[0] = (byte)index;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(f[1..], (ushort)OptionalU64(o, "SourcePartition", path, source));
        BinaryPrimitives.WriteUInt16LittleEndian(f[3..], (ushort)OptionalU64(o, "SourceSubPartition", path, source));
        BinaryPrimitives.WriteUInt64LittleEndian(f[5..], PdiFrom(Optional(o, "Pdi"), path + ".Pdi", source));
    }
}
