using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Firmware.Tests.Ghes;

public class GenericErrorStatusBlockTests
{
    private static readonly AerRegisters SurpriseDown = new(
        CapabilityHeader: 0x14820001, UncorrectableStatus: 0x0000_0020, UncorrectableMask: 0, UncorrectableSeverity: 0x0006_2030,
        CorrectableStatus: 0, CorrectableMask: 0x2000, CapabilitiesAndControl: 0x0000_00A5,
        HeaderLog0: 0x4A00_0001, HeaderLog1: 0x0100_000F, HeaderLog2: 0xFEE0_0000, HeaderLog3: 0,
        RootErrorCommand: 7, RootErrorStatus: 0x0800_007C, CorrectableSourceId: 0x0100, UncorrectableSourceId: 0x0208);

    private static GhesPcieErrorBlockWriter.Request Request(CperSeverity severity, byte flags = 1) => new(
        Segment: 2, Bus: 0x41, Device: 3, Function: 1, VendorId: 0x8086, DeviceId: 0x1572, ClassCode: 0x020000, PortType: 0,
        Aer: SurpriseDown, Severity: severity, Flags: flags, Timestamp: new CperTimestamp(0x2026_1126_0020_1530));

    [Fact]
    public void Pcie_status_block_from_aer_registers_reads_back_with_the_raw_aer_registers()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Recoverable));
        var block = GenericErrorStatusBlock.Read(bytes, "built");

        Assert.Equal(GenericErrorStatusBlock.HeaderSize + 72 + PcieErrorSection.Size, bytes.Length);
        Assert.Equal(GenericErrorStatusBlock.UncorrectableValid | 1u << GenericErrorStatusBlock.EntryCountShift, block.BlockStatus);
        var entry = Assert.Single(block.Entries);
        Assert.Equal(0x0300, entry.Revision);
        var report = FirmwareAerReport.From(entry, "built")!.Value;
        Assert.Equal((ushort)2, report.Segment);
        Assert.Equal((byte)0x41, report.Bus);
        Assert.Equal((byte)3, report.Device);
        Assert.Equal((byte)1, report.Function);
        Assert.Equal(AerSeverity.NonFatal, report.Severity);
        Assert.Equal(0x20u, report.Aer.UncorrectableStatus);
        Assert.Equal(0x0800_007Cu, report.Aer.RootErrorStatus);
        Assert.Equal((ushort)0x0208, report.Aer.UncorrectableSourceId);
        Assert.Equal(0xFEE0_0000u, report.Aer.HeaderLog(2));
        // The AER blob sits at raw offsets: Root Error Status at 0x30 of the blob (section offset 112).
        int blob = GenericErrorStatusBlock.HeaderSize + 72 + PcieErrorSection.AerOffset;
        Assert.Equal(0x0800_007Cu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(blob + 0x30)));
        Assert.Equal(bytes, block.Write());
    }

    [Theory]
    [InlineData(CperSeverity.Recoverable, 0, AerSeverity.NonFatal)]
    [InlineData(CperSeverity.Fatal, 0, AerSeverity.Fatal)]
    [InlineData(CperSeverity.Corrected, 0, AerSeverity.Correctable)]
    [InlineData(CperSeverity.Informational, 0, AerSeverity.Correctable)]
    [InlineData(CperSeverity.Corrected, 4, AerSeverity.Fatal)]
    [InlineData(CperSeverity.Recoverable, 5, AerSeverity.Fatal)]
    public void Aer_severity_follows_linux_and_reset_flag_makes_it_fatal(CperSeverity severity, byte flags, AerSeverity expected)
    {
        var block = GenericErrorStatusBlock.Read(GhesPcieErrorBlockWriter.Write(Request(severity, flags)), "built");
        Assert.Equal(expected, FirmwareAerReport.From(block.Entries[0], "built")!.Value.Severity);
    }

    [Theory]
    [InlineData(0u, GhesSeverity.Recoverable)]
    [InlineData(1u, GhesSeverity.Panic)]
    [InlineData(2u, GhesSeverity.Corrected)]
    [InlineData(3u, GhesSeverity.NoError)]
    [InlineData(4u, GhesSeverity.Panic)]
    [InlineData(0xFFFF_FFFFu, GhesSeverity.Panic)]
    public void Block_severity_maps_as_ghes_severity_does(uint cper, GhesSeverity expected) =>
        Assert.Equal(expected, GhesSeverityMapping.FromCper(cper));

    [Fact]
    public void Zero_block_status_means_nothing_pending_and_entries_are_not_walked()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 5); // would be invalid if walked
        var block = GenericErrorStatusBlock.Read(bytes, "idle");
        Assert.False(block.IsPending);
        Assert.Empty(block.Entries);
    }

    [Fact]
    public void Data_length_below_one_entry_header_is_refused()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 63);
        var ex = Assert.Throws<FirmwareFormatException>(() => GenericErrorStatusBlock.Read(bytes, "short"));
        Assert.Equal("data_length", ex.Field);
    }

    [Fact]
    public void Entries_that_do_not_fill_data_length_exactly_are_refused()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        var longer = new byte[bytes.Length + 16];
        bytes.CopyTo(longer, 0);
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(12), dataLength + 16);
        var ex = Assert.Throws<FirmwareFormatException>(() => GenericErrorStatusBlock.Read(longer, "slack"));
        Assert.Equal("entry[1].header", ex.Field);
    }

    [Fact]
    public void Entry_payload_running_past_data_length_is_refused()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20 + 24), PcieErrorSection.Size + 1);
        var ex = Assert.Throws<FirmwareFormatException>(() => GenericErrorStatusBlock.Read(bytes, "overrun"));
        Assert.Equal("entry[0].error_data_length", ex.Field);
        Assert.Equal(20 + 24, ex.Offset);
    }

    [Fact]
    public void Block_longer_than_the_error_block_length_is_refused()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        Assert.Throws<FirmwareFormatException>(() => GenericErrorStatusBlock.Read(bytes, "small", errorBlockLength: bytes.Length - 1));
        Assert.NotNull(GenericErrorStatusBlock.Read(bytes, "exact", errorBlockLength: bytes.Length));
    }

    [Fact]
    public void Raw_data_overlapping_the_entries_is_refused()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        var withRaw = new byte[bytes.Length + 8];
        bytes.CopyTo(withRaw, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(withRaw.AsSpan(4), (uint)bytes.Length - 4);
        BinaryPrimitives.WriteUInt32LittleEndian(withRaw.AsSpan(8), 8);
        var ex = Assert.Throws<FirmwareFormatException>(() => GenericErrorStatusBlock.Read(withRaw, "overlap"));
        Assert.Equal("raw_data_offset", ex.Field);
        BinaryPrimitives.WriteUInt32LittleEndian(withRaw.AsSpan(4), (uint)bytes.Length);
        var ok = GenericErrorStatusBlock.Read(withRaw, "raw");
        Assert.Equal(8, ok.RawData.Length);
        Assert.Equal(withRaw, ok.Write());
    }

    [Fact]
    public void Entry_count_field_that_disagrees_with_the_walk_is_a_warning()
    {
        byte[] bytes = GhesPcieErrorBlockWriter.Write(Request(CperSeverity.Fatal));
        bytes[0] = 0x21; // UE valid, count 2
        var warnings = new List<string>();
        GenericErrorStatusBlock.Read(bytes, "count", warnings: warnings);
        Assert.Contains(warnings, w => w.Contains("entry count field says 2 but 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Revision_2_entry_has_a_64_byte_header_without_timestamp()
    {
        var payload = new byte[] { 1, 2, 3, 4 };
        var entry = new GenericErrorDataEntry { SectionType = Guid.Parse("82c26470-d9a3-379d-acc0-2c9ce424d4ea"), Revision = 0x0201, ErrorSeverity = 2, Payload = payload };
        var block = GenericErrorStatusBlock.Create(2, [entry]);
        byte[] bytes = block.Write();
        Assert.Equal(20 + 64 + 4, bytes.Length);
        var read = GenericErrorStatusBlock.Read(bytes, "v2");
        Assert.Equal(64, read.Entries[0].HeaderSize);
        Assert.Equal(block, read);
        Assert.Equal(GenericErrorStatusBlock.CorrectableValid, read.BlockStatus & 0xF);
    }

    [Theory]
    [InlineData("examples/pcie.cper")]
    [InlineData("generated/pcie-x3.cper")]
    public void Reference_pcie_sections_carried_in_a_status_block_decode_as_libcper_shows_them(string name)
    {
        string path = ReferenceData.PathOf("cper", name);
        var record = CperRecord.Read(File.ReadAllBytes(path), name);
        var expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")))!["sections"]!.AsArray();
        var entries = record.Sections.Select(s => new GenericErrorDataEntry
        {
            SectionType = s.SectionType, ErrorSeverity = (uint)s.Descriptor.Severity, Flags = (byte)s.Descriptor.Flags, Payload = s.Body,
        }).ToList();
        byte[] bytes = GenericErrorStatusBlock.Create((uint)record.Header.Severity, entries).Write();
        var json = GhesJsonWriter.ToJson(GenericErrorStatusBlock.Read(bytes, name), name, []);
        var got = json["entries"]!.AsArray();
        Assert.Equal(expected.Count, got.Count);
        for (int i = 0; i < got.Count; i++)
            Assert.Empty(JsonDifference.Between(expected[i], got[i]!["section"]));
    }
}
