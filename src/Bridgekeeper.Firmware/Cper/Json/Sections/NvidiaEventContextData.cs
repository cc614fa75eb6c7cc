using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The data of one NVIDIA event context as libcper shows it under <c>data</c>: the common formats
/// 1-4 (64-bit key/value, 32-bit key/value, 64-bit values, 32-bit values) under <c>type1</c>..<c>type4</c>,
/// the GPU formats 0x8000 (init metadata), 0x8001 (legacy Xid) and 0x8002 (recommended actions) when
/// the source device is a GPU, and anything else as a lower-case hex string under <c>opaque</c>.
/// </summary>
internal static class NvidiaEventContextData
{
    private const ushort GpuInitMetadata = 0x8000, GpuLegacyXid = 0x8001, GpuRecommendedActions = 0x8002;
    private const int MetadataSize = 192, XidSize = 240, XidMessageAt = 4, ActionsSize = 16;

    /// <summary>Common formats 1-4: JSON key of the array, element size, and the (key, value) fields of one element.</summary>
    private static readonly (string Array, int Size, string? Key, string Value)[] CommonFormats =
    [
        ("keyValArray64", 16, "key64", "val64"),
        ("keyValArray32", 8, "key32", "val32"),
        ("valArray64", 8, null, "val64"),
        ("valArray32", 4, null, "val32"),
    ];

    // EFI_NVIDIA_GPU_CTX_INIT_METADATA (packed, 192 bytes): five NUL-padded strings, then numbers.
    private static readonly (string Name, int At, int Length)[] MetadataStrings =
    [
        ("deviceName", 0, 48), ("firmwareVersion", 48, 16), ("pfDriverMicrocodeVersion", 64, 16),
        ("pfDriverVersion", 80, 16), ("vfDriverVersion", 96, 16),
    ];
    private const int ConfigurationAt = 112, PdiAt = 120, ArchitectureAt = 128, HardwareInfoTypeAt = 132, PciInfoAt = 133;

    // PCI info (HardwareInfoType 0), offsets inside the metadata: (JSON key, offset, size in bytes).
    private static readonly (string Name, int At, int Size)[] PciInfo =
    [
        ("class", 133, 1), ("subclass", 134, 1), ("rev", 135, 1), ("vendorId", 136, 2), ("deviceId", 138, 2),
        ("subsystemVendorId", 140, 2), ("subsystemId", 142, 2), ("bar0Start", 144, 8), ("bar0Size", 152, 8),
        ("bar1Start", 160, 8), ("bar1Size", 168, 8), ("bar2Start", 176, 8), ("bar2Size", 184, 8),
    ];

    // NV_PMC_BOOT_42 architecture (bits 29:24) names libcper knows, from 0x16.
    private static readonly string[] Architectures = ["Turing", "Ampere", "Hopper", "Ada", "Blackwell", "Blackwell2", "Rubin"];

    private static string? VariantKey(byte device, ushort format) => (device, format) switch
    {
        (NvidiaEventSectionCodec.Gpu, GpuInitMetadata) => "gpuInitMetadata",
        (NvidiaEventSectionCodec.Gpu, GpuLegacyXid) => "gpuLegacyXid",
        (NvidiaEventSectionCodec.Gpu, GpuRecommendedActions) => "gpuRecommendedActions",
        (_, >= 1 and <= 4) => $"type{format}",
        _ => null,
    };

    /// <summary>
    /// Fills <paramref name="data"/>; <paramref name="inside"/> is false when the stated data size runs past
    /// the section (then libcper leaves the variant empty, and adds no opaque string).
    /// </summary>
    public static void ToJson(byte device, ushort format, ReadOnlySpan<byte> bytes, bool inside, JsonObject data)
    {
        string? key = VariantKey(device, format);
        if (key is null)
        {
            // libcper first puts an empty "opaque" object for a format it does not know, then replaces it
            // by the hex string; format 0 gets only the string.
            if (format != 0) data["opaque"] = new JsonObject();
            if (inside) data["opaque"] = Convert.ToHexStringLower(bytes);
            return;
        }
        var inner = new JsonObject();
        data[key] = inner;
        if (!inside) return;
        switch (format)
        {
            case GpuInitMetadata when bytes.Length >= MetadataSize: MetadataJson(bytes, inner); break;
            case GpuLegacyXid when bytes.Length >= XidMessageAt:
                inner["xidCode"] = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                inner["message"] = ArmRasSectionCodec.PrintableText(bytes[XidMessageAt..Math.Min(bytes.Length, XidSize)]) ?? "";
                break;
            case GpuRecommendedActions when bytes.Length >= ActionsSize:
                inner["flags"] = HexText(bytes[0], 2);
                inner["recoveryAction"] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
                inner["diagnosticFlow"] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
                break;
            case >= 1 and <= 4:
                var (arrayName, size, keyName, valueName) = CommonFormats[format - 1];
                var array = new JsonArray();
                // libcper counts the elements in a byte.
                int count = (byte)(bytes.Length / size);
                int half = size / (keyName is null ? 1 : 2);
                for (int i = 0; i < count; i++)
                {
                    var element = bytes.Slice(i * size, size);
                    var o = new JsonObject();
                    if (keyName is not null) o[keyName] = HexText(SectionField.Read(element, 0, half), half * 2);
                    o[valueName] = HexText(SectionField.Read(element, keyName is null ? 0 : half, half), half * 2);
                    array.Add(o);
                }
                inner[arrayName] = array;
                break;
        }
    }

    private static void MetadataJson(ReadOnlySpan<byte> m, JsonObject o)
    {
        foreach (var (name, at, length) in MetadataStrings)
            o[name] = ArmRasSectionCodec.PrintableText(m.Slice(at, length)) ?? "";
        o["configuration"] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(m[ConfigurationAt..]), 16);
        o["pdi"] = NvidiaEventSectionCodec.PdiText(BinaryPrimitives.ReadUInt64LittleEndian(m[PdiAt..]));
        uint arch = BinaryPrimitives.ReadUInt32LittleEndian(m[ArchitectureAt..]);
        int family = (int)(arch >> 24 & 0x3F) - 0x16;
        o["architectureId"] = new JsonObject
        {
            ["raw"] = HexText(arch, 8),
            ["architecture"] = family >= 0 && family < Architectures.Length ? Architectures[family] : "Unknown",
        };
        o["hardwareInfoType"] = m[HardwareInfoTypeAt];
        if (m[HardwareInfoTypeAt] != 0) return;
        var pci = new JsonObject();
        foreach (var (name, at, size) in PciInfo) pci[name] = HexText(SectionField.Read(m, at, size), size * 2);
        o["pciInfo"] = pci;
    }

    /// <summary>The data bytes libcper's json-to-cper writes for one context (before its padding).</summary>
    public static byte[] FromJson(byte device, ushort format, uint dataSize, JsonObject? data, string path, string source)
    {
        if (data is null) return [];
        string? key = VariantKey(device, format);
        if (key is null) return OpaqueFrom(data, path, source);
        // libcper unwraps the variant object and falls back to "data" itself when it is missing.
        var inner = Optional(data, key) as JsonObject ?? data;
        string p = $"{path}.{key}";
        switch (format)
        {
            case GpuInitMetadata: return MetadataFrom(inner, p, source);
            case GpuLegacyXid:
            {
                var b = new byte[XidSize];
                BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)OptionalU64(inner, "xidCode", p, source));
                if (Optional(inner, "message") is { } message) CopyText(Text(message, p + ".message", source), b.AsSpan(XidMessageAt));
                // Only dataSize bytes are written when it fits the structure.
                return dataSize is > 0 and <= XidSize ? b[..(int)dataSize] : b;
            }
            case GpuRecommendedActions:
            {
                var b = new byte[ActionsSize];
                b[0] = (byte)OptionalHex(inner, "flags", p, source);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), (ushort)OptionalU64(inner, "recoveryAction", p, source));
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)OptionalU64(inner, "diagnosticFlow", p, source));
                return b;
            }
            default:
            {
                var (arrayName, size, keyName, valueName) = CommonFormats[format - 1];
                if (Optional(inner, arrayName) is not JsonArray array) return [];
                var b = new byte[array.Count * size];
                int half = size / (keyName is null ? 1 : 2);
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject element) continue;
                    string ep = $"{p}.{arrayName}[{i}]";
                    if (keyName is not null) SectionField.Write(b, i * size, half, OptionalHex(element, keyName, ep, source));
                    SectionField.Write(b, i * size + (keyName is null ? 0 : half), half, OptionalHex(element, valueName, ep, source));
                }
                return b;
            }
        }
    }

    private static byte[] MetadataFrom(JsonObject o, string path, string source)
    {
        var b = new byte[MetadataSize];
        foreach (var (name, at, length) in MetadataStrings)
            if (Optional(o, name) is { } text) CopyText(Text(text, $"{path}.{name}", source), b.AsSpan(at, length));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(ConfigurationAt), OptionalHex(o, "configuration", path, source));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(PdiAt), NvidiaEventSectionCodec.PdiFrom(Optional(o, "pdi"), path + ".pdi", source));
        if (Optional(o, "architectureId") is JsonObject arch)
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ArchitectureAt), (uint)OptionalHex(arch, "raw", path + ".architectureId", source));
        b[HardwareInfoTypeAt] = (byte)OptionalU64(o, "hardwareInfoType", path, source);
        if (b[HardwareInfoTypeAt] == 0 && Optional(o, "pciInfo") is JsonObject pci)
            foreach (var (name, at, size) in PciInfo) SectionField.Write(b, at, size, OptionalHex(pci, name, path + ".pciInfo", source));
        return b;
    }

    /// <summary>libcper decodes the opaque hex string two digits at a time and writes nothing if one pair is not hex.</summary>
    private static byte[] OpaqueFrom(JsonObject data, string path, string source)
    {
        if (Optional(data, "opaque") is not JsonValue value || !value.TryGetValue(out string? hex) || hex is null) return [];
        var b = new byte[hex.Length / 2];
        for (int i = 0; i < b.Length; i++)
        {
            int high = HexDigit(hex[2 * i]), low = HexDigit(hex[2 * i + 1]);
            if (high < 0 || low < 0) return [];
            b[i] = (byte)(high << 4 | low);
        }
        return b;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>memcpy of at most the field's length (no terminator needed when the text fills it).</summary>
    private static void CopyText(string text, Span<byte> field)
    {
        for (int i = 0; i < text.Length && i < field.Length; i++) field[i] = (byte)text[i];
    }

    private static ulong OptionalU64(JsonObject o, string key, string path, string source) =>
        Optional(o, key) is { } v ? U64(v, $"{path}.{key}", source) : 0;
}
