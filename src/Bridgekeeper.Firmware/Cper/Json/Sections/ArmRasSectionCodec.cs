using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// ARM RAS System Architecture node section (Arm DEN0085 Tables 20-26; libcper cper-section-arm-ras):
/// an 80-byte node header, ErrorSyndromeArrayNumEntries 72-byte error record descriptors at
/// ErrorSyndromeArrayOffset, and optional auxiliary data at AuxiliaryDataOffset
/// (<see cref="ArmRasAuxiliaryData"/>). The JSON reproduces libcper's, including its quirks: the
/// IP type format is shown one entry shifted (format 0 shows nothing of PE, 3 = PIDR shows nothing), and a
/// node libcper rejects becomes an empty object with an "ARM RAS (empty): reason" message.
/// </summary>
public sealed class ArmRasSectionCodec : ICperSectionCodec
{
    // Node header (DEN0085 Table 20), offsets in bytes.
    private const int RevisionAt = 0, ComponentTypeAt = 4, EntryCountAt = 8, SyndromeOffsetAt = 12, AuxOffsetAt = 14,
        IpInstanceFormatAt = 16, IpTypeFormatAt = 17, IpInstanceAt = 24, IpTypeAt = 40, UserDataAt = 64, UserDataLength = 16;
    public const int NodeSize = 80;

    // Error record descriptor (Table 21): index, RAS extension revision, then ERR<n>FR..MISC3.
    private const int DescriptorSize = 72, RasRevisionAt = 4, RegistersAt = 8;
    private static readonly string[] RegisterNames =
    [
        "errorRecordFeatureRegister", "errorRecordControlRegister", "errorRecordPrimaryStatusRegister", "errorRecordAddressRegister",
        "errorRecordMiscRegister0", "errorRecordMiscRegister1", "errorRecordMiscRegister2", "errorRecordMiscRegister3",
    ];

    /// <summary>The most descriptors the RAS architecture allows (Arm IHI0100); libcper encodes none beyond it.</summary>
    private const int MaxDescriptors = 896;

    private static readonly string[] ComponentTypes =
        ["ProcessorErrorNode", "MemoryErrorNode", "SMMUErrorNode", "VendorDefinedErrorNode", "GICErrorNode", "PciExpressErrorNode", "ProxyErrorNode"];
    private static readonly string[] IpInstanceFormats = ["PE", "SystemPhysicalAddress", "LocalAddressIdentifier", "SocSpecificIpIdentifier"];
    private static readonly string[] IpTypeFormats = ["PE", "SMMU_IIDR", "GIC_IIDR", "PIDR"];
    private static readonly string[] PidrNames = ["pidr3", "pidr2", "pidr1", "pidr0", "pidr7", "pidr6", "pidr5", "pidr4"];

    public Guid SectionType { get; } = new("bf32d4d5-b427-4025-8495-8a9e5d4030e4");
    public string Name => "ARM RAS";
    public string ShortName => "ArmRas";

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        var o = new JsonObject();
        if (Rejection(body) is { } reason)
        {
            message = "ARM RAS (empty): " + reason;
            return o;
        }
        message = "ARM RAS error occured"; // libcper's spelling
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[EntryCountAt..]);
        byte instanceFormat = body[IpInstanceFormatAt], typeFormat = body[IpTypeFormatAt];
        o["revision"] = BinaryPrimitives.ReadUInt32LittleEndian(body[RevisionAt..]);
        o["componentType"] = Dict(body[ComponentTypeAt], ComponentTypes);
        o["errorSyndromeArrayNumEntries"] = count;
        o["ipInstanceFormat"] = Dict(instanceFormat, IpInstanceFormats);
        o["ipInstance"] = IpInstanceJson(instanceFormat, body.Slice(IpInstanceAt, 16));
        o["ipTypeFormat"] = Dict(typeFormat, IpTypeFormats);
        o["ipType"] = IpTypeJson(typeFormat, body.Slice(IpTypeAt, 24));
        if (PrintableText(body.Slice(UserDataAt, UserDataLength)) is { } userData) o["userData"] = userData;

        int syndromesAt = BinaryPrimitives.ReadUInt16LittleEndian(body[SyndromeOffsetAt..]);
        var syndromes = new JsonArray();
        for (int i = 0; i < count; i++)
            syndromes.Add(DescriptorJson(body.Slice(syndromesAt + i * DescriptorSize, DescriptorSize)));
        o["errorSyndromes"] = syndromes;

        int auxAt = BinaryPrimitives.ReadUInt16LittleEndian(body[AuxOffsetAt..]);
        if (auxAt != 0 && auxAt >= NodeSize + (long)count * DescriptorSize && ArmRasAuxiliaryData.ToJson(body[auxAt..]) is { } aux)
            o["auxData"] = aux;
        return o;
    }

    /// <summary>libcper's node checks, in its order; null when the node is shown.</summary>
    private static string? Rejection(ReadOnlySpan<byte> body)
    {
        if (body.Length < NodeSize) return $"invalid/too small {body.Length} < {NodeSize}";
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[EntryCountAt..]);
        uint syndromesAt = BinaryPrimitives.ReadUInt16LittleEndian(body[SyndromeOffsetAt..]);
        uint auxAt = BinaryPrimitives.ReadUInt16LittleEndian(body[AuxOffsetAt..]);
        // libcper subtracts in 32 bits; an offset past the end wraps and is caught by the offset check below.
        if ((ulong)count * DescriptorSize > unchecked((uint)body.Length - syndromesAt)) return "descriptor array out of range";
        uint revision = BinaryPrimitives.ReadUInt32LittleEndian(body[RevisionAt..]);
        if (revision != 1) return $"unsupported ARM RAS revision: {revision}";
        if (syndromesAt < NodeSize || syndromesAt >= body.Length || (auxAt != 0 && auxAt >= body.Length)) return "invalid ARM RAS offsets";
        return null;
    }

    /// <summary>libcper's <c>add_dict</c>: the raw value, and its name when the table has one.</summary>
    private static JsonObject Dict(ulong raw, string[] names)
    {
        var o = new JsonObject { ["raw"] = raw };
        if (raw < (ulong)names.Length) o["value"] = names[raw];
        return o;
    }

    private static JsonObject IpInstanceJson(byte format, ReadOnlySpan<byte> b) => format switch
    {
        0 => new JsonObject { ["mpidrEl1"] = Hex64(b, 0) },
        1 => new JsonObject { ["systemPhysicalAddress"] = Hex64(b, 0) },
        2 => new JsonObject { ["localAddressIdentifier"] = Hex64(b, 0), ["baseAddress"] = Hex64(b, 8) },
        3 => new JsonObject { ["socSpecificIpIdentifier"] = "<OpaqueData>" },
        _ => [],
    };

    // libcper shows the PE registers for format 0, the IIDR pair for format 1 (SMMU) and the PIDRs for 2 (GIC).
    private static JsonObject IpTypeJson(byte format, ReadOnlySpan<byte> b)
    {
        var o = new JsonObject();
        switch (format)
        {
            case 0:
                o["midrEl1"] = Hex64(b, 0);
                o["revidrEl1"] = Hex64(b, 8);
                o["aidrEl1"] = Hex64(b, 16);
                break;
            case 1:
                o["iidr"] = HexText(BinaryPrimitives.ReadUInt32LittleEndian(b), 8);
                o["aidr"] = HexText(BinaryPrimitives.ReadUInt32LittleEndian(b[4..]), 8);
                break;
            case 2:
                for (int i = 0; i < PidrNames.Length; i++) o[PidrNames[i]] = HexText(b[i], 2);
                break;
        }
        return o;
    }

    private static JsonObject DescriptorJson(ReadOnlySpan<byte> d)
    {
        byte rasRevision = d[RasRevisionAt];
        var o = new JsonObject
        {
            ["errorRecordIndex"] = BinaryPrimitives.ReadUInt32LittleEndian(d),
            ["rasExtensionRevisionField"] = rasRevision >> 4,
            ["rasExtensionArchVersion"] = rasRevision & 0xF,
        };
        // MISC2 and MISC3 exist from RAS extension v1.1 on; libcper shows them for any non-zero revision byte.
        int shown = rasRevision != 0 ? 8 : 6;
        for (int i = 0; i < shown; i++) o[RegisterNames[i]] = Hex64(d, RegistersAt + i * 8);
        return o;
    }

    private static string Hex64(ReadOnlySpan<byte> b, int at) => HexText(BinaryPrimitives.ReadUInt64LittleEndian(b[at..]), 16);

    /// <summary>libcper's <c>add_untrusted_string</c>: text up to the first NUL, or nothing if a byte is not printable.</summary>
    internal static string? PrintableText(ReadOnlySpan<byte> b)
    {
        int n = 0;
        for (; n < b.Length && b[n] != 0; n++)
            if (b[n] < 0x20 || b[n] > 0x7E) return null;
        return System.Text.Encoding.ASCII.GetString(b[..n]);
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].ArmRas";
        int count = Optional(s, "errorSyndromes") is JsonArray list ? list.Count : 0;
        var syndromes = count is > 0 and <= MaxDescriptors ? (JsonArray)s["errorSyndromes"]! : [];
        byte[]? aux = Optional(s, "auxData") is JsonObject auxJson ? ArmRasAuxiliaryData.FromJson(auxJson, P + ".auxData", source) : null;
        var b = new byte[NodeSize + syndromes.Count * DescriptorSize + (aux?.Length ?? 0)];

        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(RevisionAt), (uint)U64(s, "revision", P, source));
        b[ComponentTypeAt] = (byte)Raw(s, "componentType", P, source);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(EntryCountAt), (uint)syndromes.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(SyndromeOffsetAt), NodeSize);
        if (aux is not null) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(AuxOffsetAt), (ushort)(NodeSize + syndromes.Count * DescriptorSize));
        b[IpInstanceFormatAt] = (byte)Raw(s, "ipInstanceFormat", P, source);
        b[IpTypeFormatAt] = (byte)Raw(s, "ipTypeFormat", P, source);
        WriteIdentifiers(s, b, P, source);
        if (Optional(s, "userData") is { } userData)
        {
            // libcper copies printable text that fits the 16-byte field and drops anything else.
            string text = Text(userData, P + ".userData", source);
            if (text.Length <= UserDataLength && PrintableText(System.Text.Encoding.Latin1.GetBytes(text)) == text)
                System.Text.Encoding.ASCII.GetBytes(text, b.AsSpan(UserDataAt));
        }
        for (int i = 0; i < syndromes.Count; i++)
        {
            string p = $"{P}.errorSyndromes[{i}]";
            var d = b.AsSpan(NodeSize + i * DescriptorSize, DescriptorSize);
            var sj = syndromes[i] as JsonObject ?? throw new FirmwareFormatException(source, 0, p, "expected a JSON object");
            BinaryPrimitives.WriteUInt32LittleEndian(d, Optional(sj, "errorRecordIndex") is { } index ? (uint)U64(index, p + ".errorRecordIndex", source) : 0);
            ulong revision = Optional(sj, "rasExtensionRevisionField") is { } r ? U64(r, p + ".rasExtensionRevisionField", source) : 0;
            ulong arch = Optional(sj, "rasExtensionArchVersion") is { } a ? U64(a, p + ".rasExtensionArchVersion", source) : 0;
            d[RasRevisionAt] = (byte)((revision & 0xF) << 4 | (arch & 0xF));
            for (int k = 0; k < RegisterNames.Length; k++)
                BinaryPrimitives.WriteUInt64LittleEndian(d[(RegistersAt + k * 8)..], OptionalHex(sj, RegisterNames[k], p, source));
        }
        aux?.CopyTo(b, NodeSize + syndromes.Count * DescriptorSize);
        return b;
    }

    /// <summary>The "raw" number of a libcper <c>add_dict</c> object.</summary>
    private static ulong Raw(JsonObject s, string key, string path, string source) =>
        U64(Child(Child(s, key, path, source), "raw", $"{path}.{key}", source), $"{path}.{key}.raw", source);

    /// <summary>
    /// libcper reads every identifier key it knows into the IP instance and IP type unions, whatever the
    /// format says; later keys overwrite the bytes of earlier ones.
    /// </summary>
    private static void WriteIdentifiers(JsonObject s, byte[] b, string path, string source)
    {
        if (Optional(s, "ipInstance") is JsonObject instance)
        {
            string p = path + ".ipInstance";
            var i = b.AsSpan(IpInstanceAt, 16);
            if (Optional(instance, "mpidrEl1") is not null) BinaryPrimitives.WriteUInt64LittleEndian(i, OptionalHex(instance, "mpidrEl1", p, source));
            if (Optional(instance, "systemPhysicalAddress") is not null) BinaryPrimitives.WriteUInt64LittleEndian(i, OptionalHex(instance, "systemPhysicalAddress", p, source));
            if (Optional(instance, "localAddressIdentifier") is not null) BinaryPrimitives.WriteUInt64LittleEndian(i, OptionalHex(instance, "localAddressIdentifier", p, source));
            if (Optional(instance, "baseAddress") is not null) BinaryPrimitives.WriteUInt64LittleEndian(i[8..], OptionalHex(instance, "baseAddress", p, source));
        }
        if (Optional(s, "ipType") is JsonObject type)
        {
            string p = path + ".ipType";
            var t = b.AsSpan(IpTypeAt, 24);
            if (Optional(type, "midrEl1") is not null) BinaryPrimitives.WriteUInt64LittleEndian(t, OptionalHex(type, "midrEl1", p, source));
            if (Optional(type, "revidrEl1") is not null) BinaryPrimitives.WriteUInt64LittleEndian(t[8..], OptionalHex(type, "revidrEl1", p, source));
            if (Optional(type, "aidrEl1") is not null) BinaryPrimitives.WriteUInt64LittleEndian(t[16..], OptionalHex(type, "aidrEl1", p, source));
            if (Optional(type, "iidr") is not null) BinaryPrimitives.WriteUInt32LittleEndian(t, (uint)OptionalHex(type, "iidr", p, source));
            if (Optional(type, "aidr") is not null) BinaryPrimitives.WriteUInt32LittleEndian(t[4..], (uint)OptionalHex(type, "aidr", p, source));
            for (int k = 0; k < PidrNames.Length; k++)
                if (Optional(type, PidrNames[k]) is not null) t[k] = (byte)OptionalHex(type, PidrNames[k], p, source);
        }
    }
}
