using System.Text.Json.Nodes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Firmware.Tests.Cper;

/// <summary>
/// Every reference record in shared/reference/cper (examples/ and generated/) against libcper's JSON
/// beside it. One test case per file, so the report shows which section types agree and which do not.
/// </summary>
public class CperReferenceRecordTests
{
    /// <summary>
    /// Reference records whose sections Bridgekeeper does not yet decode exactly like libcper, with the
    /// reason. They are still read and checked (<see cref="Known_gap_records_decode_with_libcpers_header_and_descriptors"/>),
    /// and <see cref="Known_gap_records_still_differ_from_libcper"/> fails once one matches, so that the
    /// fix also removes it from this list. docs/cper-ghes.md lists the same gaps.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KnownGaps = new Dictionary<string, string>
    {
    };

    private static IEnumerable<string> AllRecords()
    {
        foreach (var folder in new[] { "examples", "generated" })
            foreach (var file in ReferenceData.Files(Path.Combine("cper", folder), "*.cper"))
                if (!file.EndsWith(".roundtrip.cper", StringComparison.Ordinal))
                    yield return folder + "/" + Path.GetFileName(file);
    }

    /// <summary>Every reference record.</summary>
    public static TheoryData<string> Records()
    {
        var data = new TheoryData<string>();
        foreach (var name in AllRecords()) data.Add(name);
        return data;
    }

    /// <summary>Every reference record Bridgekeeper decodes exactly like libcper (all but the known gaps).</summary>
    public static TheoryData<string> ExactRecords()
    {
        var data = new TheoryData<string>();
        foreach (var name in AllRecords())
            if (!KnownGaps.ContainsKey(name)) data.Add(name);
        return data;
    }

    [Fact]
    public void Every_known_gap_names_an_existing_reference_record()
    {
        var all = AllRecords().ToHashSet(StringComparer.Ordinal);
        foreach (var name in KnownGaps.Keys) Assert.Contains(name, all);
        Assert.True(all.Count >= 47, $"expected the 47 reference records, found {all.Count}");
    }

    // Facts over KnownGaps rather than theories: the list may be empty, and a theory without data fails.
    [Fact]
    public void Known_gap_records_decode_with_libcpers_header_and_descriptors()
    {
        foreach (var name in KnownGaps.Keys) Known_gap_record_decodes_with_libcpers_header_and_descriptors(name);
    }

    private static void Known_gap_record_decodes_with_libcpers_header_and_descriptors(string name)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(name));
        JsonObject json;
        try
        {
            json = CperJsonWriter.ToJson(CperRecord.Read(bytes, name, []), []);
        }
        catch (FirmwareFormatException e)
        {
            Assert.Fail($"{name} must decode (header and descriptors as libcper), but: {e.Message}");
            return;
        }
        var libcper = LibcperJson(name);
        var header = JsonDifference.Between(libcper["header"], json["header"]);
        Assert.True(header.Count == 0, string.Join("\n", header));
        var descriptors = JsonDifference.Between(libcper["sectionDescriptors"], json["sectionDescriptors"]);
        Assert.True(descriptors.Count == 0, string.Join("\n", descriptors));
        // Encoding libcper's JSON may be refused, but only as bad input.
        try { CperJsonEncoder.Encode((JsonObject)libcper, name); }
        catch (FirmwareFormatException) { }
    }

    [Fact]
    public void Known_gap_records_still_differ_from_libcper()
    {
        foreach (var name in KnownGaps.Keys) Known_gap_record_still_differs_from_libcper(name);
    }

    private static void Known_gap_record_still_differs_from_libcper(string name)
    {
        var json = CperJsonWriter.ToJson(CperRecord.Read(File.ReadAllBytes(PathOf(name)), name, []), []);
        var diffs = JsonDifference.Between(LibcperJson(name)["sections"], json["sections"]);
        Assert.True(diffs.Count > 0, $"{name} now decodes exactly like libcper: remove it from KnownGaps and docs/cper-ghes.md");
    }

    public static TheoryData<string> SingleSections()
    {
        var data = new TheoryData<string>();
        foreach (var file in ReferenceData.Files(Path.Combine("cper", "generated"), "*.section"))
            data.Add(Path.Combine("generated", Path.GetFileName(file)));
        return data;
    }

    private static string PathOf(string name) => ReferenceData.PathOf("cper", name);

    private static JsonNode LibcperJson(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(PathOf(name), ".json")))!;

    [Theory]
    [MemberData(nameof(ExactRecords))]
    public void Decoded_json_equals_libcper_json(string name)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(name));
        var warnings = new List<string>();
        var record = CperRecord.Read(bytes, name, warnings);
        var json = CperJsonWriter.ToJson(record, warnings);
        var diffs = JsonDifference.Between(LibcperJson(name), json);
        Assert.True(diffs.Count == 0, $"{diffs.Count} difference(s):\n" + string.Join("\n", diffs.Take(25)));
    }

    [Theory]
    [MemberData(nameof(SingleSections))]
    public void Decoded_single_section_json_equals_libcper_json(string name)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(name));
        var section = CperSingleSection.Read(bytes, name);
        var json = CperJsonWriter.SingleSectionToJson(section, []);
        var diffs = JsonDifference.Between(LibcperJson(name), json);
        Assert.True(diffs.Count == 0, $"{diffs.Count} difference(s):\n" + string.Join("\n", diffs.Take(25)));
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Writing_a_read_record_gives_back_the_same_bytes(string name)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(name));
        var record = CperRecord.Read(bytes, name, []);
        Assert.Equal(bytes, record.Write());
    }

    [Fact]
    public void Record_shorter_than_its_record_length_is_read_like_libcper_with_a_warning()
    {
        // examples/nvidia_event_all_types.cper holds 440 bytes; its header says 568. libcper's buffer
        // reader only requires each section to lie within the bytes it has, and so do we, with a warning.
        const string name = "examples/nvidia_event_all_types.cper";
        byte[] bytes = File.ReadAllBytes(PathOf(name));
        var warnings = new List<string>();
        var record = CperRecord.Read(bytes, name, warnings);
        Assert.Equal(568u, record.Header.RecordLength);
        Assert.Equal((uint)bytes.Length, record.TruncatedLength);
        var warning = Assert.Single(warnings);
        Assert.Contains("568", warning, StringComparison.Ordinal);
        Assert.Contains("440", warning, StringComparison.Ordinal);
        var strict = Assert.Throws<FirmwareFormatException>(() => CperRecord.Read(bytes, name));
        Assert.Contains("header.recordLength", strict.Message, StringComparison.Ordinal);
        var cut = Assert.Throws<FirmwareFormatException>(() => CperRecord.Read(bytes[..400], name, []));
        Assert.Contains("descriptor[0]", cut.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> RecordsWithLibcperRoundTrip()
    {
        var data = new TheoryData<string>();
        foreach (var file in ReferenceData.Files(Path.Combine("cper", "generated"), "*.roundtrip.cper"))
        {
            string name = "generated/" + Path.GetFileName(file).Replace(".roundtrip", "", StringComparison.Ordinal);
            if (!KnownGaps.ContainsKey(name)) data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RecordsWithLibcperRoundTrip))]
    public void Encoding_libcper_json_gives_the_bytes_libcper_encodes(string name)
    {
        // NAME.roundtrip.cper is libcper's own json-to-cper output for NAME.json (fields without a
        // validation bit are lost, so it can differ from the original record).
        byte[] expected = File.ReadAllBytes(Path.ChangeExtension(PathOf(name), ".roundtrip.cper"));
        var bytes = CperJsonEncoder.Encode((JsonObject)LibcperJson(name), name);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [MemberData(nameof(ExactRecords))]
    public void Encoding_libcper_json_then_decoding_gives_the_same_json(string name)
    {
        var json = LibcperJson(name);
        var bytes = CperJsonEncoder.Encode((JsonObject)json, name);
        // libcper keeps the JSON's recordLength and sectionLength even when the JSON does not carry
        // every byte (e.g. ARM vendor bytes without their validation bit); its encoder then writes a
        // record shorter than its own header says. Ours does the same, byte for byte. Such a record
        // cannot be read back; the shortfall must be exactly the bytes the JSON does not carry.
        long declared = (long)(ulong)json["header"]!["recordLength"]!;
        // examples/nvidia_event_all_types.cper is itself shorter than its recordLength (see
        // Record_shorter_than_its_record_length_is_read_like_libcper_with_a_warning): there the
        // encoding must be exactly as long as the reference record and read back like it.
        int referenceLength = File.ReadAllBytes(PathOf(name)).Length;
        bool referenceCut = referenceLength < declared;
        if (referenceCut) Assert.Equal(referenceLength, bytes.Length);
        if (declared > bytes.Length && !referenceCut)
        {
            long carried = 0, stated = 0;
            var descriptors = json["sectionDescriptors"]!.AsArray();
            for (int i = 0; i < descriptors.Count; i++)
            {
                stated += (long)(ulong)descriptors[i]!["sectionLength"]!;
                var single = new JsonObject { ["header"] = json["header"]!.DeepClone(), ["sectionDescriptors"] = new JsonArray(descriptors[i]!.DeepClone()),
                    ["sections"] = new JsonArray(json["sections"]![i]!.DeepClone()) };
                carried += CperJsonEncoder.Encode(single, name).Length - CperRecordHeader.Size - CperSectionDescriptor.Size;
            }
            Assert.Equal(declared - bytes.Length, stated - carried);
            return;
        }
        var again = CperJsonWriter.ToJson(referenceCut ? CperRecord.Read(bytes, name, []) : CperRecord.Read(bytes, name), []);
        // One loss is libcper's own: a PCI Component section whose memoryNumber or ioNumber is not
        // valid keeps its register pairs in JSON but encodes the missing count as 0, so fewer pairs
        // come back. There the pairs must come back exactly as many as the counts say.
        var expected = json.DeepClone();
        var sections = expected["sections"]!.AsArray();
        var decoded = again["sections"]!.AsArray();
        for (int i = 0; i < sections.Count && i < decoded.Count; i++)
        {
            if (sections[i]!["PciComponent"] is not JsonObject pci || pci["registerDataPairs"] is not JsonArray pairs) continue;
            ulong counted = (ulong?)pci["memoryNumber"] ?? 0;
            counted += (ulong?)pci["ioNumber"] ?? 0;
            if ((ulong)pairs.Count == counted) continue;
            var back = decoded[i]!["PciComponent"]!["registerDataPairs"]!.AsArray();
            Assert.Equal(counted, (ulong)back.Count);
            pci.Remove("registerDataPairs");
            ((JsonObject)decoded[i]!["PciComponent"]!).Remove("registerDataPairs");
        }
        // Another is libcper's ARM RAS encoder: it reads a context's addressSpaceIdentifierScope name
        // as a number (0) and never writes addressSpaceIdentifier (generated/arm-ras.roundtrip.cper
        // shows it). Every context must come back as SystemPhysicalAddressSpace without an identifier.
        for (int i = 0; i < sections.Count && i < decoded.Count; i++)
        {
            if (sections[i]!["ArmRas"]?["auxData"]?["contexts"] is not JsonArray contexts) continue;
            var back = decoded[i]!["ArmRas"]!["auxData"]!["contexts"]!.AsArray();
            Assert.Equal(contexts.Count, back.Count);
            for (int c = 0; c < back.Count; c++)
            {
                Assert.Equal("SystemPhysicalAddressSpace", (string?)back[c]!["flags"]!["addressSpaceIdentifierScope"]);
                Assert.Null(back[c]!["addressSpaceIdentifier"]);
                var context = (JsonObject)contexts[c]!;
                context["flags"] = new JsonObject { ["addressSpaceIdentifierScope"] = "SystemPhysicalAddressSpace" };
                context.Remove("addressSpaceIdentifier");
            }
        }
        // A third is libcper's NVIDIA event encoder: it pads every context to 16 bytes (and states CtxSize
        // so), while the JSON's sectionLength keeps the unpadded length of the original; a context the
        // padding pushes past sectionLength is not read back (generated/nvidiaevent.roundtrip.cper, 20
        // bytes longer, shows it). The contexts that do come back must be the leading ones, unchanged.
        for (int i = 0; i < sections.Count && i < decoded.Count; i++)
        {
            if (sections[i]!["NvidiaEvent"]?["eventContexts"] is not JsonArray contexts) continue;
            var back = decoded[i]!["NvidiaEvent"]!["eventContexts"]!.AsArray();
            if (back.Count == contexts.Count) continue;
            Assert.True(back.Count < contexts.Count);
            var padded = CperJsonEncoder.Encode(new JsonObject { ["header"] = json["header"]!.DeepClone(),
                ["sectionDescriptors"] = new JsonArray(json["sectionDescriptors"]![i]!.DeepClone()),
                ["sections"] = new JsonArray(sections[i]!.DeepClone()) }, name);
            Assert.True(padded.Length - CperRecordHeader.Size - CperSectionDescriptor.Size > (long)(ulong)json["sectionDescriptors"]![i]!["sectionLength"]!);
            while (contexts.Count > back.Count) contexts.RemoveAt(contexts.Count - 1);
        }
        var diffs = JsonDifference.Between(expected, again);
        Assert.True(diffs.Count == 0, $"{diffs.Count} difference(s):\n" + string.Join("\n", diffs.Take(25)));
    }
}
