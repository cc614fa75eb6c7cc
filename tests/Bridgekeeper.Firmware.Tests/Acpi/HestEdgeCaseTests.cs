using System.Text.RegularExpressions;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>
/// Each malformed table in crafted/edge gives the warning it should, at the offset where the defect is,
/// and agrees with what iasl reported for it (NAME.iasl.log and the diagnostics in NAME.dsl).
/// </summary>
public class HestEdgeCaseTests
{
    private static string Edge(string name) => HestReferenceFiles.PathOf($"crafted/edge/{name}.bin");

    private static HestReadResult Decode(string name) => HestReader.Read(File.ReadAllBytes(Edge(name)), name);

    private static string IaslLog(string name) => File.ReadAllText(Path.ChangeExtension(Edge(name), ".iasl.log"));

    private static string IaslDsl(string name) => File.ReadAllText(Path.ChangeExtension(Edge(name), ".dsl"));

    [Fact]
    public void Bad_checksum_is_a_warning_with_the_value_iasl_says_it_should_be()
    {
        var r = Decode("bad-checksum");
        var should = Regex.Match(IaslLog("bad-checksum"), @"Incorrect checksum in table \[HEST\] - 0x(\w+), should be 0x(\w+)");
        Assert.True(should.Success);
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.BadChecksum, w.Kind);
        Assert.Equal(AcpiTableHeader.ChecksumOffset, w.Offset);
        Assert.Contains($"0x{should.Groups[1].Value}", w.Message);
        Assert.Contains($"should be 0x{should.Groups[2].Value}", w.Message);
        Assert.False(r.Frame.ChecksumValid);
        Assert.Equal(14, r.Table.ErrorSources.Length); // still decoded in full, as iasl does
    }

    [Theory]
    [InlineData("count-too-large", 20u)]
    [InlineData("count-too-small", 3u)]
    public void A_count_that_disagrees_with_the_walk_is_a_warning_and_the_whole_length_is_walked(string name, uint declared)
    {
        var r = Decode(name);
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.CountMismatch, w.Kind);
        Assert.Equal(HestTable.ErrorSourceCountOffset, w.Offset);
        Assert.Equal(declared, r.ErrorSourceCount);
        // iasl decodes every structure up to the table length regardless of the count.
        int iaslSubtables = IaslDisassembly.Parse(IaslDsl(name)).Fields.Count(f => f.Name == "Subtable Type");
        Assert.Equal(iaslSubtables, r.Table.ErrorSources.Length);
        Assert.DoesNotContain("Warning", IaslLog(name));
    }

    [Fact]
    public void A_notification_length_other_than_28_is_a_warning_at_the_length_byte()
    {
        var r = Decode("ghesv2-notify-length-16");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.NotifyLength, w.Kind);
        var iasl = IaslDisassembly.Parse(IaslDsl("ghesv2-notify-length-16")).Fields.Single(f => f.Name == "Notify Length" && f.Number == 0x10);
        Assert.Equal(iasl.Offset, w.Offset);
        var ghes = r.Table.ErrorSources.OfType<HestGhes>().Single(g => g.Notify.Length == 16);
        Assert.Equal(NotificationType.Sea, ghes.Notify.Type);
        Assert.Equal(14, r.Table.ErrorSources.Length);
    }

    [Fact]
    public void A_reserved_notification_type_is_a_warning_at_the_type_byte()
    {
        var r = Decode("ghesv2-notify-type-12-reserved");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.ReservedNotifyType, w.Kind);
        var iasl = IaslDisassembly.Parse(IaslDsl("ghesv2-notify-type-12-reserved")).Fields
            .Single(f => f.Name == "Notify Type" && f.Value.Contains("Unknown Notify Type"));
        Assert.Equal(iasl.Offset, w.Offset);
        Assert.Equal((NotificationType)12, r.Table.ErrorSources.OfType<HestGhes>().Single(g => (byte)g.Notify.Type == 12).Notify.Type);
    }

    [Fact]
    public void A_header_only_table_is_a_warning_and_no_error_sources()
    {
        var r = Decode("header-only-36-bytes");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.TableTooShort, w.Kind);
        Assert.Equal(36, w.Offset);
        Assert.Empty(r.Table.ErrorSources);
        Assert.Contains("terminates in the middle of a data structure", IaslDsl("header-only-36-bytes"));
    }

    [Fact]
    public void A_length_field_longer_than_the_file_is_refused_as_iasl_refuses_it()
    {
        var ex = Assert.Throws<FirmwareFormatException>(() => Decode("length-field-longer-than-file"));
        Assert.Equal(AcpiTableHeader.LengthOffset, ex.Offset);
        Assert.Equal("Length", ex.Field);
        var iasl = Regex.Match(IaslLog("length-field-longer-than-file"), @"too long for file - needs: 0x(\w+), remaining in file: 0x(\w+)");
        Assert.True(iasl.Success);
        Assert.Contains($"{Convert.ToInt32(iasl.Groups[1].Value, 16)}", ex.Problem);
        Assert.Contains($"{Convert.ToInt32(iasl.Groups[2].Value, 16)} byte(s)", ex.Problem);
    }

    [Fact]
    public void Bytes_after_the_length_field_are_a_trailing_bytes_warning()
    {
        var r = Decode("length-field-shorter-than-file");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.TrailingBytes, w.Kind);
        Assert.Equal(r.Frame.Length, (uint)w.Offset);
        Assert.True(r.Frame.InputLength > r.Frame.Length);
        Assert.Contains($"Length 0x{r.Frame.InputLength:X}", IaslLog("length-field-shorter-than-file"));
    }

    [Fact]
    public void A_truncated_ghesv2_is_a_warning_at_its_start_and_the_sources_before_it_are_kept()
    {
        var r = Decode("truncated-mid-ghesv2");
        var truncated = Assert.Single(r.Warnings, w => w.Kind == AcpiWarningKind.TruncatedSubtable);
        var dsl = IaslDisassembly.Parse(IaslDsl("truncated-mid-ghesv2"));
        Assert.Contains(dsl.Diagnostics, d => d.Contains("terminates early"));
        // iasl's last structure is the one that ends early.
        Assert.Equal(dsl.Fields.Last(f => f.Name == "Subtable Type").Offset, truncated.Offset);
        Assert.Equal(dsl.Fields.Count(f => f.Name == "Subtable Type") - 1, r.Table.ErrorSources.Length);
        Assert.Single(r.Warnings, w => w.Kind == AcpiWarningKind.CountMismatch);
    }

    [Theory]
    [InlineData("unknown-subtable-type-12")]
    [InlineData("unknown-subtable-type-127")]
    public void An_unknown_type_stops_the_walk_with_a_warning_at_its_offset(string name)
    {
        byte[] bytes = File.ReadAllBytes(Edge(name));
        var r = HestReader.Read(bytes, name);
        var unknown = Assert.Single(r.Warnings, w => w.Kind == AcpiWarningKind.UnknownSubtableType);
        var iaslType = Regex.Match(IaslDsl(name), @"Unknown HEST subtable type 0x(\w+)");
        Assert.True(iaslType.Success);
        Assert.Equal(Convert.ToInt32(iaslType.Groups[1].Value, 16), bytes[(int)unknown.Offset] | bytes[(int)unknown.Offset + 1] << 8);
        int iaslSubtables = IaslDisassembly.Parse(IaslDsl(name)).Fields.Count(f => f.Name == "Subtable Type");
        Assert.Equal(iaslSubtables, r.Table.ErrorSources.Length);
    }

    [Fact]
    public void Zero_sources_is_well_formed()
    {
        var r = Decode("zero-sources");
        Assert.Empty(r.Warnings);
        Assert.Empty(r.Table.ErrorSources);
        Assert.Equal(0u, r.ErrorSourceCount);
    }
}
