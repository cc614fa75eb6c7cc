using System.Buffers.Binary;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;

namespace Bridgekeeper.Firmware.Tests.Acpi;

public class IortTests
{
    private static readonly IortTable Table = IortReader.Read(IortWriter.Write(IortSamples.ArmServer()), "iort").Table;

    [Fact]
    public void A_written_iort_reads_back_equal_and_without_warnings()
    {
        var table = IortSamples.ArmServer();
        byte[] bytes = IortWriter.Write(table);
        var read = IortReader.Read(bytes, "iort");
        Assert.Empty(read.Warnings);
        Assert.True(read.Frame.ChecksumValid);
        Assert.Equal(table, read.Table);
        Assert.Equal(bytes, IortWriter.Write(read.Table));
    }

    [Theory]
    [InlineData(0x0000, 0x1000u, 0x5000u)] // first RID of the SMMU range
    [InlineData(0x0042, 0x1042u, 0x5042u)]
    [InlineData(0x00FF, 0x10FFu, 0x50FFu)] // IdCount is "number of IDs minus one": 0xFF is inside
    public void A_rid_behind_the_smmu_gets_a_stream_id_and_an_its_device_id_through_the_smmu(int rid, uint streamId, uint deviceId)
    {
        var t = Table.TranslateRequesterId(0, (ushort)rid);
        Assert.Equal(IortSamples.RootComplex0, t.RootComplexIndex);
        Assert.Equal(streamId, t.StreamId);
        Assert.Equal(IortSamples.Smmu, t.SmmuIndex);
        Assert.Equal(deviceId, t.DeviceId);
        Assert.Equal(IortSamples.Its, t.ItsGroupIndex);
    }

    [Theory]
    [InlineData(0x0100, 0x8000u)] // first RID after the SMMU range goes straight to the ITS
    [InlineData(0x01FF, 0x80FFu)]
    public void A_rid_mapped_straight_to_the_its_has_a_device_id_and_no_stream_id(int rid, uint deviceId)
    {
        var t = Table.TranslateRequesterId(0, (ushort)rid);
        Assert.Null(t.StreamId);
        Assert.Null(t.SmmuIndex);
        Assert.Equal(deviceId, t.DeviceId);
        Assert.Equal(IortSamples.Its, t.ItsGroupIndex);
    }

    [Theory]
    [InlineData(0x0200)]
    [InlineData(0xFFFF)]
    public void A_rid_outside_every_range_maps_to_nothing(int rid)
    {
        var t = Table.TranslateRequesterId(0, (ushort)rid);
        Assert.Equal(IortSamples.RootComplex0, t.RootComplexIndex);
        Assert.Null(t.StreamId);
        Assert.Null(t.DeviceId);
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0xFFFF)]
    public void A_single_mapping_of_a_root_complex_applies_to_every_rid(int rid)
    {
        var t = Table.TranslateRequesterId(1, (ushort)rid);
        Assert.Equal(IortSamples.RootComplex1, t.RootComplexIndex);
        Assert.Equal(0x9000u, t.DeviceId);
        Assert.Null(t.StreamId);
    }

    [Fact]
    public void A_segment_without_a_root_complex_maps_to_nothing()
    {
        Assert.Equal(IortIdTranslation.NoRootComplex, Table.TranslateRequesterId(7, 0));
    }

    [Fact]
    public void A_stream_id_the_smmu_does_not_map_gives_a_stream_id_without_a_device_id()
    {
        var smmu = (IortSmmuV3)Table.Nodes[IortSamples.Smmu];
        var narrow = Table with
        {
            Nodes = Table.Nodes.SetItem(IortSamples.Smmu, smmu with { IdMappings = [smmu.IdMappings[0], new IortIdMapping(0x1000, 0x0F, 0x5000, IortSamples.Its)] }),
        };
        var inside = narrow.TranslateRequesterId(0, 0x000F);
        Assert.Equal(0x500Fu, inside.DeviceId);
        var outside = narrow.TranslateRequesterId(0, 0x0010);
        Assert.Equal(0x1010u, outside.StreamId);
        Assert.Null(outside.DeviceId); // the SMMU's single (own-MSI) mapping must not catch it
    }

    [Fact]
    public void A_mapping_cycle_ends_without_a_device_id()
    {
        var smmu = (IortSmmuV3)Table.Nodes[IortSamples.Smmu];
        var cyclic = Table with
        {
            Nodes = Table.Nodes.SetItem(IortSamples.Smmu, smmu with { IdMappings = [new IortIdMapping(0, 0xFFFF, 0, IortSamples.Smmu)] }),
        };
        var t = cyclic.TranslateRequesterId(0, 5);
        Assert.Null(t.DeviceId);
    }

    [Fact]
    public void An_output_reference_that_is_not_a_node_is_a_warning()
    {
        byte[] bytes = IortWriter.Write(IortSamples.ArmServer());
        var smmuOffset = 48 + IortSamples.ArmServer().Nodes[0].Length;
        int firstMapping = smmuOffset + 16 + 52;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(firstMapping + 12), 0x33); // inside the header
        AcpiTableCodec.Seal(bytes);
        var r = IortReader.Read(bytes, "bad-ref");
        var w = Assert.Single(r.Warnings);
        Assert.Equal(AcpiWarningKind.BadReference, w.Kind);
        Assert.Equal(firstMapping + 12, w.Offset);
        Assert.Equal(-1, r.Table.Nodes[IortSamples.Smmu].IdMappings[0].OutputNodeIndex);
    }

    [Fact]
    public void Real_iasl_disassembles_the_written_iort_with_the_same_nodes_and_mappings()
    {
        var table = IortSamples.ArmServer();
        byte[] bytes = IortWriter.Write(table);
        var iasl = Iasl.Disassemble(bytes, "iort-arm-server");
        Assert.True(iasl.ExitCode == 0, iasl.Output);
        Assert.DoesNotContain("Error", iasl.Output);
        Assert.DoesNotContain("Warning", iasl.Output);
        Assert.Contains("Acpi Data Table [IORT] decoded", iasl.Output);
        var dsl = IaslDisassembly.Parse(iasl.Disassembly);
        Assert.Empty(dsl.Diagnostics);

        List<ulong> Values(string name) => dsl.Fields.Where(f => f.Name == name).Select(f => f.Number!.Value).ToList();
        Assert.Equal([(ulong)table.Nodes.Length], Values("Node Count"));
        Assert.Equal(table.Nodes.Select(n => (ulong)n.Type), Values("Type"));
        Assert.Equal(table.Nodes.Select(n => (ulong)n.Length), Values("Length"));
        var mappings = table.Nodes.SelectMany(n => n.IdMappings).ToList();
        Assert.Equal(mappings.Select(m => (ulong)m.InputBase), Values("Input base"));
        Assert.Equal(mappings.Select(m => (ulong)m.IdCount), Values("ID Count"));
        Assert.Equal(mappings.Select(m => (ulong)m.OutputBase), Values("Output Base"));
        int[] nodeOffsets = [48, 48 + table.Nodes[0].Length, 48 + table.Nodes[0].Length + table.Nodes[1].Length,
            48 + table.Nodes[0].Length + table.Nodes[1].Length + table.Nodes[2].Length];
        Assert.Equal(mappings.Select(m => (ulong)nodeOffsets[m.OutputNodeIndex]), Values("Output Reference"));
        Assert.Equal(table.Nodes.OfType<IortRootComplex>().Select(r => (ulong)r.PciSegment), Values("PCI Segment Number"));
        Assert.Equal([0x2B40_0000UL], Values("Base Address"));
        Assert.Equal([1UL], Values("ItsCount"));
    }
}
