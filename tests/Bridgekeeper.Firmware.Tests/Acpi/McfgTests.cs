using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Mcfg;

namespace Bridgekeeper.Firmware.Tests.Acpi;

public class McfgTests
{
    private static readonly McfgTable Sample = new(new AcpiTableHeader("MCFG", 1, "BRIDGE", "BKMCFG  ", 1, "BKPR", 1), 0,
    [
        new McfgAllocation(0x4000_0000, 0, 0x00, 0xFF),
        new McfgAllocation(0x8_0000_0000, 1, 0x80, 0x8F),
    ]);

    [Fact]
    public void A_written_mcfg_reads_back_equal_and_byte_for_byte()
    {
        byte[] bytes = McfgWriter.Write(Sample);
        var read = McfgReader.Read(bytes, "mcfg");
        Assert.Empty(read.Warnings);
        Assert.True(read.Frame.ChecksumValid);
        Assert.Equal(Sample, read.Table);
        Assert.Equal(bytes, McfgWriter.Write(read.Table));
        Assert.Equal(44 + 2 * 16, bytes.Length);
    }

    [Theory]
    [InlineData(0, 0x00, true)]
    [InlineData(0, 0xFF, true)]
    [InlineData(1, 0x7F, false)] // one below the start bus
    [InlineData(1, 0x80, true)]
    [InlineData(1, 0x8F, true)]
    [InlineData(1, 0x90, false)] // one above the end bus
    [InlineData(2, 0x00, false)]
    public void A_bus_is_found_only_inside_its_segments_inclusive_range(ushort segment, byte bus, bool found)
    {
        Assert.Equal(found, Sample.Find(segment, bus) is not null);
    }

    [Fact]
    public void Ecam_addresses_are_relative_to_bus_0_of_the_segment()
    {
        var window = Sample.Find(1, 0x81)!.Value;
        Assert.Equal(0x8_0000_0000UL + (0x81UL << 20) + (3UL << 15) + (2UL << 12) + 0x100, window.ConfigAddress(0x81, 3, 2, 0x100));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.ConfigAddress(0x81, 32, 0, 0));
    }

    [Fact]
    public void A_partial_last_allocation_and_an_inverted_bus_range_are_warnings()
    {
        var inverted = Sample with { Allocations = [new McfgAllocation(0, 0, 0x10, 0x0F)] };
        byte[] bytes = [.. McfgWriter.Write(inverted), 1, 2, 3];
        bytes[4] = (byte)bytes.Length; // Length covers the 3 stray bytes
        AcpiTableCodec.Seal(bytes);
        var r = McfgReader.Read(bytes, "mcfg");
        Assert.Equal([(AcpiWarningKind.InvalidField, 44L + 11), (AcpiWarningKind.TruncatedSubtable, 60L)],
            r.Warnings.Select(w => (w.Kind, w.Offset)).ToArray());
    }

    [Fact]
    public void Real_iasl_disassembles_the_written_mcfg_with_the_same_allocations()
    {
        var iasl = Iasl.Disassemble(McfgWriter.Write(Sample), "mcfg");
        Assert.True(iasl.ExitCode == 0, iasl.Output);
        Assert.DoesNotContain("Error", iasl.Output);
        Assert.DoesNotContain("Warning", iasl.Output);
        var dsl = IaslDisassembly.Parse(iasl.Disassembly);
        List<ulong> Values(string name) => dsl.Fields.Where(f => f.Name == name).Select(f => f.Number!.Value).ToList();
        Assert.Equal(Sample.Allocations.Select(a => a.BaseAddress), Values("Base Address"));
        Assert.Equal(Sample.Allocations.Select(a => (ulong)a.Segment), Values("Segment Group Number"));
        Assert.Equal(Sample.Allocations.Select(a => (ulong)a.StartBus), Values("Start Bus Number"));
        Assert.Equal(Sample.Allocations.Select(a => (ulong)a.EndBus), Values("End Bus Number"));
    }
}
