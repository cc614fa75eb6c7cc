using System.Buffers.Binary;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Firmware.Tests.Acpi;

public class HestWriterTests
{
    [Fact]
    public void A_table_with_every_type_and_every_notification_reads_back_equal()
    {
        var table = HestSamples.EveryType();
        var read = HestReader.Read(HestWriter.Write(table), "written");
        Assert.Empty(read.Warnings);
        Assert.True(read.Frame.ChecksumValid);
        Assert.Equal(table, read.Table);
        Assert.Equal((uint)table.ErrorSources.Length, read.ErrorSourceCount);
        Assert.Equal(new HashSet<HestSourceType>(Enum.GetValues<HestSourceType>()), read.Table.ErrorSources.Select(s => s.Type).ToHashSet());
    }

    [Fact]
    public void Real_iasl_disassembles_the_written_table_without_complaint_and_with_the_same_values()
    {
        byte[] bytes = HestWriter.Write(HestSamples.EveryType());
        var iasl = Iasl.Disassemble(bytes, "hest-every-type");
        Assert.True(iasl.ExitCode == 0, iasl.Output);
        Assert.DoesNotContain("Error", iasl.Output);
        Assert.DoesNotContain("Warning", iasl.Output);
        Assert.Contains("Acpi Data Table [HEST] decoded", iasl.Output);

        var dsl = IaslDisassembly.Parse(iasl.Disassembly);
        Assert.Empty(dsl.Diagnostics);
        var ours = HestAsIasl.Fields(HestReader.Read(bytes, "written"));
        var valued = dsl.Fields.Where(f => f.Number is not null || f.Text is not null).ToList();
        Assert.Equal(ours.Count, valued.Count);
        foreach (var mine in ours)
        {
            var theirs = Assert.Single(valued, f => f.Offset == mine.Offset && f.Name == mine.Name);
            if (mine.Text is not null) Assert.Equal(mine.Text.TrimEnd(), theirs.Text!.TrimEnd());
            else Assert.True(mine.Number == theirs.Number, $"{mine.Name} at 0x{mine.Offset:X}: ours 0x{mine.Number:X}, iasl {theirs.Value}");
        }
        // All twelve notification types are named by iasl (none "Unknown").
        var notifyNames = dsl.Fields.Where(f => f.Name == "Notify Type").Select(f => f.Value).ToList();
        Assert.DoesNotContain(notifyNames, v => v.Contains("Unknown"));
        Assert.Equal(12, notifyNames.Select(v => v[..2]).Distinct().Count());
    }

    [Fact]
    public void The_writer_computes_length_count_and_a_checksum_that_sums_to_zero()
    {
        var table = HestSamples.EveryType();
        byte[] bytes = HestWriter.Write(table);
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((uint)table.ErrorSources.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(36)));
        Assert.Equal(0, AcpiTableCodec.Sum(bytes));
        Assert.Equal(40 + table.ErrorSources.Sum(s => s.Length), bytes.Length);
    }

    [Fact]
    public void Ghesv2_read_ack_keeps_the_preserved_bits_and_sets_the_write_bits_at_the_bit_offset()
    {
        var ack = new GhesReadAck(new GenericAddress(AddressSpace.SystemMemory, 64, 4, AccessSize.QWord, 0x1000), Preserve: 0xF0, Write: 0x1);
        // Linux ghes_ack_error: val &= preserve << bit_offset; val |= write << bit_offset
        Assert.Equal((0xABCDUL & (0xF0UL << 4)) | (0x1UL << 4), ack.Acknowledge(0xABCD));
    }

    [Fact]
    public void Aer_flag_bits_follow_the_spec_firmware_first_is_bit_0_and_global_is_bit_1()
    {
        var ff = new HestAer(HestSourceType.PcieEndpointAer, 1, 0, (HestAerFlags)0x01, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var global = ff with { Flags = (HestAerFlags)0x02 };
        Assert.True(ff.FirmwareFirst);
        Assert.False(ff.Global);
        Assert.False(global.FirmwareFirst);
        Assert.True(global.Global);
    }

    [Fact]
    public void Aer_bus_field_splits_into_bus_and_segment()
    {
        var a = new HestAer(HestSourceType.PcieRootPortAer, 1, 0, 0, 1, 0, 0, 0x0002_1F3B, 0, 0, 0, 0, 0, 0, 0, 0);
        Assert.Equal(0x3B, a.BusNumber);
        Assert.Equal(0x021F, a.Segment);
    }

    [Fact]
    public void Fields_a_kind_does_not_have_are_refused_by_the_writer()
    {
        var endpoint = new HestAer(HestSourceType.PcieEndpointAer, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, RootErrorCommand: 7);
        Assert.Throws<ArgumentException>(() => HestWriter.Write(new HestTable(HestSamples.Header, [endpoint])));
        var rootPort = new HestAer(HestSourceType.PcieRootPortAer, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, SecondaryAdvancedCapabilities: 1);
        Assert.Throws<ArgumentException>(() => HestWriter.Write(new HestTable(HestSamples.Header, [rootPort])));
    }

    [Fact]
    public void Zero_padding_between_and_after_sources_is_a_warning_and_the_sources_after_it_are_read()
    {
        var a = HestSamples.Ghes(0x10, NotificationType.Sea, v2: true);
        var b = HestSamples.Ghes(0x11, NotificationType.Sdei, v2: false);
        byte[] clean = HestWriter.Write(new HestTable(HestSamples.Header, [a, b]));
        // 24 zero bytes between the two sources and 16 after them.
        byte[] padded = [.. clean[..(40 + a.Length)], .. new byte[24], .. clean[(40 + a.Length)..], .. new byte[16]];
        BinaryPrimitives.WriteUInt32LittleEndian(padded.AsSpan(4), (uint)padded.Length);
        AcpiTableCodec.Seal(padded);

        var r = HestReader.Read(padded, "padded");
        Assert.Equal([a, b], r.Table.ErrorSources.ToArray());
        Assert.Equal([40, 40 + a.Length + 24], r.ErrorSourceOffsets.ToArray());
        Assert.Equal(
            [(AcpiWarningKind.ZeroPadding, 40L + a.Length), (AcpiWarningKind.ZeroPadding, 40L + a.Length + 24 + b.Length)],
            r.Warnings.Select(w => (w.Kind, w.Offset)).ToArray());
    }

    [Fact]
    public void Zero_padding_before_an_ia32_machine_check_source_finds_its_start()
    {
        var mc = new HestMachineCheck(7, 0, HestAerFlags.None, 1, 1, 1, 0, 0, 0, []);
        var g = HestSamples.Ghes(0x20, NotificationType.Polled, v2: false);
        byte[] clean = HestWriter.Write(new HestTable(HestSamples.Header, [g, mc]));
        byte[] padded = [.. clean[..(40 + g.Length)], .. new byte[20], .. clean[(40 + g.Length)..]];
        BinaryPrimitives.WriteUInt32LittleEndian(padded.AsSpan(4), (uint)padded.Length);
        AcpiTableCodec.Seal(padded);
        var r = HestReader.Read(padded, "padded");
        Assert.Equal([g, mc], r.Table.ErrorSources.ToArray());
        Assert.Equal(AcpiWarningKind.ZeroPadding, Assert.Single(r.Warnings).Kind);
    }

    [Fact]
    public void Duplicate_source_ids_are_a_warning_at_the_second_one()
    {
        var a = HestSamples.Ghes(5, NotificationType.Sea, v2: false);
        var r = HestReader.Read(HestWriter.Write(new HestTable(HestSamples.Header, [a, a])), "dup");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.DuplicateSourceId, w.Kind);
        Assert.Equal(40 + a.Length + 2, w.Offset);
    }

    [Fact]
    public void A_wrong_signature_is_refused_naming_the_field()
    {
        byte[] bytes = HestWriter.Write(HestSamples.EveryType());
        bytes[0] = (byte)'X';
        var ex = Assert.Throws<FirmwareFormatException>(() => HestReader.Read(bytes, "sig"));
        Assert.Equal("Signature", ex.Field);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void A_writer_refuses_a_header_with_another_tables_signature()
    {
        var mislabelled = HestSamples.EveryType() with { Header = HestSamples.Header with { Signature = "APIC" } };
        var ex = Assert.Throws<ArgumentException>(() => HestWriter.Write(mislabelled));
        Assert.Contains("\"APIC\"", ex.Message);
    }
}
