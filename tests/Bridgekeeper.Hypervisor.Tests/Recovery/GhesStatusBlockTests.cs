using Bridgekeeper.Firmware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class GhesStatusBlockTests
{
    [Fact]
    public void A_written_pcie_record_reads_back_with_its_device_severity_and_aer_info()
    {
        var log = new DeviceErrorLog(new Sbdf(3, 0x41, 2, 5), ErrorSeverity.Fatal, true, AerCapability.MalformedTlp, 0, AerCapability.DefaultSeverity, 0, 0, 18, [1, 2, 3, 4]);
        var block = GhesStatusBlock.WritePcie(log.Device, 1, 0, AerRegisterBlob.Encode(log));
        int len = GhesStatusBlock.CheckHeader(block, 4096, "test");
        Assert.Equal(block.Length, len);
        var e = Assert.Single(GhesStatusBlock.PcieEntries(block, "test"));
        Assert.True(e.IsUsable);
        Assert.Equal(log.Device, e.Device);
        Assert.Equal(ErrorSeverity.Fatal, e.Severity);
        var back = AerRegisterBlob.Decode(e.Device, e.Severity, e.AerInfo.Span);
        Assert.Equal(log.UncorStatus, back.UncorStatus);
        Assert.Equal(log.FirstErrorPointer, back.FirstErrorPointer);
        Assert.Equal(log.HeaderLog.ToArray(), back.HeaderLog.ToArray());
    }

    [Theory]
    [InlineData(0u, 0, Pci.ErrorSeverity.NonFatal)]
    [InlineData(1u, 0, Pci.ErrorSeverity.Fatal)]
    [InlineData(2u, 0, Pci.ErrorSeverity.Correctable)]
    [InlineData(3u, 0, Pci.ErrorSeverity.Correctable)]
    [InlineData(2u, GhesPcieEntry.ResetFlag, Pci.ErrorSeverity.Fatal)]
    [InlineData(0u, GhesPcieEntry.ResetFlag, Pci.ErrorSeverity.Fatal)]
    public void Severity_maps_as_cper_severity_to_aer_with_the_reset_flag_escalating(uint cper, byte flags, ErrorSeverity expected) =>
        Assert.Equal(expected, new GhesPcieEntry(cper, flags, 0x88, default, new byte[96]).Severity);

    [Fact]
    public void Entry_lengths_that_do_not_add_up_to_data_length_are_rejected_with_the_field()
    {
        var block = GhesStatusBlock.WritePcie(new Sbdf(0, 1, 0, 0), 0, 0, new byte[96]);
        BitConverter.GetBytes(300u).CopyTo(block, 20 + 24); // error_data_length larger than the data
        var ex = Assert.Throws<FirmwareFormatException>(() => GhesStatusBlock.PcieEntries(block, "blk"));
        Assert.Equal("error_data_length", ex.Field);
    }

    [Fact]
    public void Any_bytes_either_parse_or_throw_the_typed_exception()
    {
        Gen.Byte.Array[20, 400].Sample(bytes =>
        {
            try
            {
                GhesStatusBlock.CheckHeader(bytes, (uint)bytes.Length, "fuzz");
                GhesStatusBlock.PcieEntries(bytes, "fuzz");
            }
            catch (FirmwareFormatException)
            {
            }
        }, iter: 2000);
    }
}
