using System.Text.Json.Nodes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// JSON view of a Generic Error Status Block: the header fields with names beside raw values, Linux's
/// verdicts (GHES severity, AER severity for PCIe entries), and each entry's payload decoded as a CPER
/// section in libcper's structure.
/// </summary>
public static class GhesJsonWriter
{
    private static readonly string[] FlagNames =
        ["primary", "containmentWarning", "reset", "errorThresholdExceeded", "resourceNotAccessible", "latentError", "propagated", "overflow"];

    public static JsonObject ToJson(GenericErrorStatusBlock block, string source, List<string> warnings)
    {
        var o = new JsonObject
        {
            ["blockStatus"] = new JsonObject
            {
                ["value"] = block.BlockStatus,
                ["uncorrectableErrorValid"] = (block.BlockStatus & GenericErrorStatusBlock.UncorrectableValid) != 0,
                ["correctableErrorValid"] = (block.BlockStatus & GenericErrorStatusBlock.CorrectableValid) != 0,
                ["multipleUncorrectableErrors"] = (block.BlockStatus & GenericErrorStatusBlock.MultipleUncorrectable) != 0,
                ["multipleCorrectableErrors"] = (block.BlockStatus & GenericErrorStatusBlock.MultipleCorrectable) != 0,
                ["errorDataEntryCount"] = block.EntryCountField,
            },
            ["pending"] = block.IsPending,
            ["rawDataOffset"] = block.RawDataOffset,
            ["rawDataLength"] = block.RawDataLength,
            ["dataLength"] = block.DataLength,
            ["errorSeverity"] = CperJsonWriter.Severity((CperSeverity)block.ErrorSeverity),
            ["linuxSeverity"] = block.LinuxSeverity.ToString(),
        };
        var entries = new JsonArray();
        for (int i = 0; i < block.Entries.Length; i++)
            entries.Add(EntryJson(block.Entries[i], i, source, warnings));
        o["entries"] = entries;
        if (block.RawData.Length != 0) o["rawData"] = Convert.ToBase64String(block.RawData.Span);
        return o;
    }

    private static JsonObject EntryJson(GenericErrorDataEntry e, int index, string source, List<string> warnings)
    {
        var flags = new JsonObject();
        for (int bit = 0; bit < FlagNames.Length; bit++) flags[FlagNames[bit]] = ((e.Flags >> bit) & 1) != 0;
        var o = new JsonObject
        {
            ["sectionType"] = new JsonObject { ["data"] = GuidText(e.SectionType), ["type"] = CperSectionCatalog.NameOf(e.SectionType) },
            ["errorSeverity"] = CperJsonWriter.Severity((CperSeverity)e.ErrorSeverity),
            ["revision"] = Revision(e.Revision),
            ["validationBits"] = e.ValidationBits,
            ["flags"] = flags,
            ["errorDataLength"] = e.Payload.Length,
        };
        if ((e.ValidationBits & GenericErrorDataEntry.FruIdValid) != 0) o["fruID"] = GuidText(e.FruId);
        if ((e.ValidationBits & GenericErrorDataEntry.FruTextValid) != 0 && e.FruText.ToPrintableString() is { } t) o["fruText"] = t;
        if (e.HasTimestampField && (e.ValidationBits & GenericErrorDataEntry.TimestampValid) != 0 && e.Timestamp.ToIsoString() is { } ts)
            o["timestamp"] = ts;
        o["section"] = CperJsonWriter.SectionToJson(e.SectionType, e.Payload.Span, index, warnings);
        if (e.SectionType == PcieErrorSection.TypeGuid && e.Payload.Length >= PcieErrorSection.Size
            && FirmwareAerReport.From(e, source) is { } aer)
        {
            o["linuxAerRecovery"] = new JsonObject
            {
                ["segment"] = aer.Segment,
                ["bus"] = aer.Bus,
                ["device"] = aer.Device,
                ["function"] = aer.Function,
                ["severity"] = aer.Severity.ToString(),
            };
        }
        return o;
    }
}
