using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// Builds CPER bytes from libcper's CPER-JSON, the way libcper's json-to-cper does: the header and the
/// descriptors as the JSON states them (validation bits from which optional fields are present), then
/// each section's body in order right after the descriptors.
/// </summary>
public static class CperJsonEncoder
{
    private static readonly string[] SectionFlagNames =
        ["primary", "containmentWarning", "reset", "errorThresholdExceeded", "resourceNotAccessible", "latentError", "propagated", "overflow"];

    public static byte[] Encode(JsonObject root, string source)
    {
        var header = HeaderFrom(Child(root, "header", "$", source) as JsonObject
            ?? throw new FirmwareFormatException(source, 0, "header", "expected an object"), source);
        if (Child(root, "sectionDescriptors", "$", source) is not JsonArray descriptors)
            throw new FirmwareFormatException(source, 0, "sectionDescriptors", "expected an array");
        if (Child(root, "sections", "$", source) is not JsonArray sections)
            throw new FirmwareFormatException(source, 0, "sections", "expected an array");
        if (descriptors.Count != sections.Count)
            throw new FirmwareFormatException(source, 0, "sections", $"{sections.Count} section(s) but {descriptors.Count} descriptor(s)");

        var bodies = new List<byte[]>(sections.Count);
        int total = CperRecordHeader.Size + descriptors.Count * CperSectionDescriptor.Size;
        for (int i = 0; i < sections.Count; i++)
        {
            var body = SectionBody(sections[i], $"sections[{i}]", source);
            bodies.Add(body);
            total += body.Length;
        }
        var bytes = new byte[total];
        header.Write(bytes);
        int at = CperRecordHeader.Size;
        for (int i = 0; i < descriptors.Count; i++, at += CperSectionDescriptor.Size)
            DescriptorFrom(descriptors[i], $"sectionDescriptors[{i}]", source).Write(bytes.AsSpan(at));
        foreach (var body in bodies)
        {
            body.CopyTo(bytes, at);
            at += body.Length;
        }
        return bytes;
    }

    /// <summary>libcper's single-section form: a descriptor followed by its section.</summary>
    public static byte[] EncodeSingleSection(JsonObject root, string source)
    {
        var descriptor = DescriptorFrom(Child(root, "sectionDescriptor", "$", source), "sectionDescriptor", source);
        var body = SectionBody(Child(root, "section", "$", source), "section", source);
        var bytes = new byte[CperSectionDescriptor.Size + body.Length];
        descriptor.Write(bytes);
        body.CopyTo(bytes, CperSectionDescriptor.Size);
        return bytes;
    }

    public static CperRecordHeader HeaderFrom(JsonObject h, string source)
    {
        const string P = "header";
        uint valid = 0;
        var timestamp = new CperTimestamp(0);
        if (Optional(h, "timestamp") is { } ts)
        {
            bool precise = Optional(h, "timestampIsPrecise") is { } p && Bool(p, P + ".timestampIsPrecise", source);
            timestamp = CperTimestamp.Parse(Text(ts, P + ".timestamp", source), precise, source);
            valid |= CperRecordHeader.TimestampValid;
        }
        Guid platform = Guid.Empty, partition = Guid.Empty;
        if (Optional(h, "platformID") is { } pl)
        {
            platform = GuidFrom(pl, P + ".platformID", source);
            valid |= CperRecordHeader.PlatformIdValid;
        }
        if (Optional(h, "partitionID") is { } pa)
        {
            partition = GuidFrom(pa, P + ".partitionID", source);
            valid |= CperRecordHeader.PartitionIdValid;
        }
        return new CperRecordHeader
        {
            Revision = RevisionFrom(Child(h, "revision", P, source), P + ".revision", source),
            SectionCount = (ushort)U64(h, "sectionCount", P, source),
            Severity = (CperSeverity)U64At(Child(h, "severity", P, source), P + ".severity.code", source, "code"),
            ValidationBits = valid,
            RecordLength = (uint)U64(h, "recordLength", P, source),
            Timestamp = timestamp,
            PlatformId = platform,
            PartitionId = partition,
            CreatorId = GuidFrom(Child(h, "creatorID", P, source), P + ".creatorID", source),
            NotificationType = GuidFrom(Child(Child(h, "notificationType", P, source), "guid", P + ".notificationType", source),
                P + ".notificationType.guid", source),
            RecordId = U64(h, "recordID", P, source),
            Flags = (uint)U64At(Child(h, "flags", P, source), P + ".flags.value", source, "value"),
            PersistenceInformation = U64(h, "persistenceInfo", P, source),
        };
    }

    private static ulong U64At(JsonNode node, string path, string source, string key) =>
        CperJsonValues.U64(Child(node, key, path, source), path, source);

    public static CperSectionDescriptor DescriptorFrom(JsonNode? node, string path, string source)
    {
        if (node is not JsonObject d) throw new FirmwareFormatException(source, 0, path, "expected an object");
        byte valid = 0;
        Guid fruId = Guid.Empty;
        var fruText = default(FruText);
        if (Optional(d, "fruID") is { } f)
        {
            fruId = GuidFrom(f, path + ".fruID", source);
            valid |= CperSectionDescriptor.FruIdValid;
        }
        if (Optional(d, "fruText") is { } t)
        {
            fruText = FruText.FromString(Text(t, path + ".fruText", source));
            valid |= CperSectionDescriptor.FruTextValid;
        }
        uint flags = 0;
        var flagsNode = Child(d, "flags", path, source);
        for (int bit = 0; bit < SectionFlagNames.Length; bit++)
            if (Bool(Child(flagsNode, SectionFlagNames[bit], path + ".flags", source), $"{path}.flags.{SectionFlagNames[bit]}", source))
                flags |= 1u << bit;
        return new CperSectionDescriptor
        {
            SectionOffset = (uint)CperJsonValues.U64(d, "sectionOffset", path, source),
            SectionLength = (uint)CperJsonValues.U64(d, "sectionLength", path, source),
            Revision = RevisionFrom(Child(d, "revision", path, source), path + ".revision", source),
            ValidationBits = valid,
            Flags = flags,
            SectionType = GuidFrom(Child(Child(d, "sectionType", path, source), "data", path + ".sectionType", source),
                path + ".sectionType.data", source),
            FruId = fruId,
            Severity = (CperSeverity)U64At(Child(d, "severity", path, source), path + ".severity.code", source, "code"),
            FruText = fruText,
        };
    }

    private static byte[] SectionBody(JsonNode? node, string path, string source)
    {
        if (node is not JsonObject s) throw new FirmwareFormatException(source, 0, path, "expected an object");
        foreach (var (key, value) in s)
        {
            if (key == "message") continue;
            if (key == "Unknown")
                return Base64(Child(value, "data", path + ".Unknown", source), path + ".Unknown.data", source);
            if (CperSectionCatalog.CodecFor(key) is { } codec)
                return codec.FromJson(value as JsonObject ?? throw new FirmwareFormatException(source, 0, $"{path}.{key}", "expected an object"), source);
            throw new FirmwareFormatException(source, 0, $"{path}.{key}",
                CperSectionCatalog.IsKnownButNotDecoded(key)
                    ? "this section type is not supported by the encoder yet"
                    : "unknown section type key");
        }
        throw new FirmwareFormatException(source, 0, path, "holds no section object");
    }
}
