using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Pci.Tests.Config;

public class CapabilityListTests
{
    private static byte[] Endpoint()
    {
        var b = new byte[4096];
        b[0] = 0x86; b[1] = 0x80;
        b[ConfigHeader.Status] = 0x10;
        return b;
    }

    [Fact]
    public void Walks_both_lists_in_order()
    {
        var b = Endpoint();
        b[0x34] = 0x40;
        b[0x40] = 0x01; b[0x41] = 0x50;
        b[0x50] = 0x10; b[0x51] = 0x00;
        BitConverter.TryWriteBytes(b.AsSpan(0x100), 0x1401_0001u); // AER v1, next 0x140
        BitConverter.TryWriteBytes(b.AsSpan(0x140), 0x0001_000Du); // ACS v1, end
        var list = CapabilityList.Walk(b);
        Assert.Equal(["[40] 0x01", "[50] 0x10", "[100] ext 0x0001 v1", "[140] ext 0x000d v1"], list.Entries.Select(e => e.ToString()));
        Assert.Empty(list.Warnings);
        Assert.Equal(0x140, list.Find(ExtendedCapabilityId.AccessControlServices));
        Assert.Equal(0x140, CapabilityList.FindExtended(b, ExtendedCapabilityId.AccessControlServices));
        Assert.Equal(0x50, CapabilityList.FindStandard(b, CapabilityId.PciExpress));
    }

    [Fact]
    public void A_looping_standard_list_stops_with_a_warning()
    {
        var b = Endpoint();
        b[0x34] = 0x40;
        b[0x40] = 0x01; b[0x41] = 0x50;
        b[0x50] = 0x05; b[0x51] = 0x40;
        var list = CapabilityList.Walk(b);
        Assert.Equal(2, list.Entries.Length);
        Assert.Contains(list.Warnings, w => w.Contains("loops"));
    }

    [Fact]
    public void A_pointer_into_the_header_is_a_warning()
    {
        var b = Endpoint();
        b[0x34] = 0x40;
        b[0x40] = 0x01; b[0x41] = 0x20;
        var list = CapabilityList.Walk(b);
        Assert.Single(list.Entries);
        Assert.Contains(list.Warnings, w => w.Contains("into the header"));
    }

    [Fact]
    public void A_looping_extended_list_stops_with_a_warning()
    {
        var b = Endpoint();
        b[0x34] = 0x40;
        b[0x40] = 0x10; b[0x41] = 0x00; // PCI Express capability: extended space exists
        BitConverter.TryWriteBytes(b.AsSpan(0x100), 0x1001_0001u); // points to itself
        var list = CapabilityList.Walk(b);
        Assert.Equal(2, list.Entries.Length);
        Assert.Contains(list.Warnings, w => w.Contains("loops"));
    }

    [Fact]
    public void An_extended_capability_beyond_a_short_capture_is_a_warning_not_a_crash()
    {
        var b = Endpoint().AsSpan(0, 256).ToArray();
        b[0x34] = 0xFC;
        b[0xFC] = 0x10; b[0xFD] = 0x00;
        var list = CapabilityList.Walk(b);
        Assert.Single(list.Entries);
        Assert.Equal(0xFFFF_FFFFu, new PciExpressCapability.View(b, 0xFC).DevCap); // past the capture reads all ones
    }

    [Fact]
    public void Extended_list_is_not_walked_for_a_function_without_a_pci_express_capability()
    {
        var b = Endpoint();
        b[0x34] = 0x40;
        b[0x40] = 0x01; b[0x41] = 0x00; // Power Management only: conventional PCI
        BitConverter.TryWriteBytes(b.AsSpan(0x100), 0x0001_0001u);
        var list = CapabilityList.Walk(b);
        Assert.Equal(["[40] 0x01"], list.Entries.Select(e => e.ToString()));
    }

    [Fact]
    public void Unknown_header_type_walks_no_list_and_says_why()
    {
        var b = Endpoint();
        b[ConfigHeader.HeaderType] = 0x73;
        b[0x34] = 0x40;
        b[0x40] = 0x10;
        var list = CapabilityList.Walk(b);
        Assert.Empty(list.Entries);
        Assert.Contains(list.Warnings, w => w.Contains("header type 0x73"));
    }

    [Fact]
    public void Random_bytes_never_throw_and_always_terminate()
    {
        Gen.Byte.Array[4096].Sample(bytes =>
        {
            var list = CapabilityList.Walk(bytes);
            Assert.True(list.Entries.Length <= CapabilityList.MaxStandardEntries + CapabilityList.MaxExtendedEntries);
            _ = ConfigLayoutCompiler.Compile(bytes);
        });
    }
}
