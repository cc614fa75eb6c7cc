using Bridgekeeper.Pci;

namespace Bridgekeeper.Pci.Tests.Config;

public class RegisterLayoutTests
{
    public static TheoryData<string, RegisterLayout> AllLayouts()
    {
        var data = new TheoryData<string, RegisterLayout>();
        void Add(RegisterLayout l) => data.Add(l.Name, l);
        Add(ConfigHeader.Type0);
        Add(ConfigHeader.Type1);
        foreach (var t in Enum.GetValues<PciePortType>())
        {
            Add(PciExpressCapability.Layout(t, slotImplemented: true));
            Add(PciExpressCapability.Layout(t, slotImplemented: false));
        }
        Add(AerCapability.Layout(rootRegisters: true));
        Add(AerCapability.Layout(rootRegisters: false));
        Add(AcsCapability.Layout(0x7F));
        Add(AriCapability.Layout);
        Add(SriovCapability.Layout);
        Add(DpcCapability.Layout);
        Add(DsnCapability.Layout);
        Add(ReadinessTimeReportingCapability.Layout);
        Add(PowerManagementCapability.Layout);
        Add(MsiCapability.Layout(0x0180));
        Add(MsiCapability.Layout(0x0000));
        Add(MsixCapability.Layout);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllLayouts))]
    public void Every_layout_has_disjoint_masks_within_width_and_no_overlapping_registers(string name, RegisterLayout layout)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.StartsWith("PC", layout.SpecSection); // every layout cites its spec
        int end = 0;
        foreach (var r in layout.Registers)
        {
            Assert.Null(r.Problem());
            Assert.True(r.Offset >= end, $"{r.Name} overlaps");
            end = r.Offset + r.Width;
        }
        var attrs = new ConfigAttributes(ConfigSpace.ExtendedSize);
        attrs.Apply(layout, 0x100);
        Assert.Empty(attrs.OverlappingBytes());
    }

    [Fact]
    public void Aer_status_bits_are_rw1c_and_sticky()
    {
        var r = AerCapability.Layout(true)["Uncorrectable Error Status"];
        Assert.Equal(BitAttribute.Rw1cS, r.AttributeOf(20));
        Assert.Equal(BitAttribute.RsvdZ, r.AttributeOf(1));
        Assert.Equal(BitAttribute.RoS, AerCapability.Layout(true)["Header Log DW0"].AttributeOf(0));
        Assert.Equal(BitAttribute.Rw, ConfigHeader.Type1["Bridge Control"].AttributeOf(6));
    }

    [Fact]
    public void Acs_control_is_writable_only_where_capable()
    {
        var r = AcsCapability.Layout(AcsCapability.SourceValidation | AcsCapability.RequestRedirect)["ACS Control"];
        Assert.Equal(BitAttribute.Rw, r.AttributeOf(0));
        Assert.Equal(BitAttribute.Ro, r.AttributeOf(1));
        Assert.Equal(BitAttribute.Rw, r.AttributeOf(2));
        Assert.Equal(BitAttribute.Ro, r.AttributeOf(3));
    }

    [Fact]
    public void Readiness_time_fields_round_trip_to_the_next_representable_time()
    {
        foreach (long ns in new[] { 0L, 1, 511, 512, 100_000_000, 1_000_000_000 })
        {
            long decoded = ReadinessTimeReportingCapability.DecodeTime(ReadinessTimeReportingCapability.EncodeTime(ns));
            Assert.True(decoded >= ns && decoded <= ns + ns / 16 + 32, $"{ns} -> {decoded}");
        }
    }
}
