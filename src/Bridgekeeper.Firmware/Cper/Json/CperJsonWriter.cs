using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// Turns a CPER record into OpenBMC libcper's CPER-JSON (<c>header</c>, <c>sectionDescriptors</c>,
/// <c>sections</c>), field for field. Anything libcper would print that we cannot is reported in
/// <paramref name="warnings"/>, never added to the JSON.
/// </summary>
public static class CperJsonWriter
{
    private static readonly (ulong, string)[] HeaderFlags =
        [(1, "HW_ERROR_FLAGS_RECOVERED"), (2, "HW_ERROR_FLAGS_PREVERR"), (4, "HW_ERROR_FLAGS_SIMULATED")];

    private static readonly string[] SectionFlagNames =
        ["primary", "containmentWarning", "reset", "errorThresholdExceeded", "resourceNotAccessible", "latentError", "propagated", "overflow"];

    private static readonly string[] SeverityNames = ["Recoverable", "Fatal", "Corrected", "Informational"];

    public static JsonObject ToJson(CperRecord record, List<string> warnings)
    {
        var descriptors = new JsonArray();
        var sections = new JsonArray();
        for (int i = 0; i < record.Sections.Length; i++)
        {
            var s = record.Sections[i];
            descriptors.Add(DescriptorJson(s.Descriptor));
            sections.Add(SectionJson(s.Descriptor, s.Body.Span, i, warnings));
        }
        return new JsonObject
        {
            ["header"] = HeaderJson(record.Header),
            ["sectionDescriptors"] = descriptors,
            ["sections"] = sections,
        };
    }

    /// <summary>libcper's single-section form: one descriptor and the section it describes.</summary>
    public static JsonObject SingleSectionToJson(CperSection section, List<string> warnings) => new()
    {
        ["sectionDescriptor"] = DescriptorJson(section.Descriptor),
        ["section"] = SectionJson(section.Descriptor, section.Body.Span, 0, warnings),
    };

    public static JsonObject Severity(CperSeverity severity) => new()
    {
        ["code"] = (uint)severity,
        ["name"] = (uint)severity < SeverityNames.Length ? SeverityNames[(int)severity] : "Unknown",
    };

    public static JsonObject HeaderJson(in CperRecordHeader h)
    {
        var o = new JsonObject
        {
            ["revision"] = Revision(h.Revision),
            ["sectionCount"] = h.SectionCount,
            ["severity"] = Severity(h.Severity),
            ["recordLength"] = h.RecordLength,
        };
        if ((h.ValidationBits & CperRecordHeader.TimestampValid) != 0 && h.Timestamp.ToIsoString() is { } ts)
        {
            o["timestamp"] = ts;
            o["timestampIsPrecise"] = h.Timestamp.Flags != 0;
        }
        if ((h.ValidationBits & CperRecordHeader.PlatformIdValid) != 0)
            o["platformID"] = GuidText(h.PlatformId);
        if ((h.ValidationBits & CperRecordHeader.PartitionIdValid) != 0)
            o["partitionID"] = GuidText(h.PartitionId);
        o["creatorID"] = GuidText(h.CreatorId);
        o["notificationType"] = new JsonObject
        {
            ["guid"] = GuidText(h.NotificationType),
            ["type"] = CperNotificationTypes.NameOf(h.NotificationType),
        };
        o["recordID"] = h.RecordId;
        o["flags"] = Pair(h.Flags, HeaderFlags, "Unknown");
        o["persistenceInfo"] = h.PersistenceInformation;
        return o;
    }

    public static JsonObject DescriptorJson(in CperSectionDescriptor d)
    {
        var flags = new JsonObject();
        for (int bit = 0; bit < SectionFlagNames.Length; bit++)
            flags[SectionFlagNames[bit]] = ((d.Flags >> bit) & 1) != 0;
        var o = new JsonObject
        {
            ["sectionOffset"] = d.SectionOffset,
            ["sectionLength"] = d.SectionLength,
            ["revision"] = Revision(d.Revision),
            ["flags"] = flags,
            ["sectionType"] = new JsonObject
            {
                ["data"] = GuidText(d.SectionType),
                ["type"] = CperSectionCatalog.NameOf(d.SectionType),
            },
        };
        if ((d.ValidationBits & CperSectionDescriptor.FruIdValid) != 0)
            o["fruID"] = GuidText(d.FruId);
        if ((d.ValidationBits & CperSectionDescriptor.FruTextValid) != 0 && d.FruText.ToPrintableString() is { } text)
            o["fruText"] = text;
        o["severity"] = Severity(d.Severity);
        return o;
    }

    private static JsonObject SectionJson(in CperSectionDescriptor d, ReadOnlySpan<byte> body, int index, List<string> warnings) =>
        SectionToJson(d.SectionType, body, index, warnings);

    /// <summary>
    /// One section body as libcper shows it (<c>{"message", ShortName: {...}}</c>), or
    /// <c>{"Unknown": {"data": base64}}</c> when the type is not decoded or the body is too short.
    /// </summary>
    public static JsonObject SectionToJson(Guid sectionType, ReadOnlySpan<byte> body, int index, List<string> warnings)
    {
        var codec = CperSectionCatalog.CodecFor(sectionType);
        if (codec?.ToJson(body, out string? message) is { } decoded)
        {
            var o = new JsonObject();
            if (message is not null) o["message"] = message;
            o[codec.ShortName] = decoded;
            return o;
        }
        string name = CperSectionCatalog.NameOf(sectionType);
        if (codec is not null)
            warnings.Add($"section {index} ({name}): {body.Length} byte(s) is shorter than the section's fixed part; shown as raw data");
        else if (name != "Unknown")
            warnings.Add($"section {index} ({name}, {GuidText(sectionType)}): not decoded by Bridgekeeper yet; shown as raw data, unlike libcper");
        return new JsonObject { ["Unknown"] = new JsonObject { ["data"] = Convert.ToBase64String(body) } };
    }
}
