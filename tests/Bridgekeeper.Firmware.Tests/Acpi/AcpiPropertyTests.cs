using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Firmware.Acpi.Mcfg;
using CsCheck;

namespace Bridgekeeper.Firmware.Tests.Acpi;

public class AcpiPropertyTests
{
    private static readonly AcpiWarningKind[] ValidTableWarnings =
        [AcpiWarningKind.DuplicateSourceId, AcpiWarningKind.NotifyLength, AcpiWarningKind.ReservedNotifyType];

    [Fact]
    public void Any_valid_hest_bytes_are_written_back_unchanged_and_decode_to_the_same_table()
    {
        AcpiGenerators.HestBytes.Sample(bytes =>
        {
            var read = HestReader.Read(bytes, "gen");
            Assert.All(read.Warnings, w => Assert.Contains(w.Kind, ValidTableWarnings));
            Assert.Equal(bytes, HestWriter.Write(read.Table));
            Assert.Equal(read.Table, HestReader.Read(HestWriter.Write(read.Table), "again").Table);
        }, iter: 2000);
    }

    [Fact]
    public void Any_ghes_table_built_from_the_model_reads_back_equal()
    {
        AcpiGenerators.GhesTables.Sample(table =>
            Assert.Equal(table, HestReader.Read(HestWriter.Write(table), "gen").Table), iter: 1000);
    }

    [Fact]
    public void Any_mcfg_reads_back_equal()
    {
        AcpiGenerators.Mcfg.Sample(table =>
        {
            var read = McfgReader.Read(McfgWriter.Write(table), "gen");
            Assert.Empty(read.Warnings);
            Assert.Equal(table, read.Table);
        }, iter: 1000);
    }

    [Fact]
    public void Any_iort_reads_back_equal()
    {
        AcpiGenerators.Iort.Sample(table =>
        {
            byte[] bytes = IortWriter.Write(table);
            var read = IortReader.Read(bytes, "gen");
            Assert.Empty(read.Warnings);
            Assert.Equal(table, read.Table);
            Assert.Equal(bytes, IortWriter.Write(read.Table));
        }, iter: 1000);
    }

    [Fact]
    public void Damaged_hest_bytes_decode_or_throw_only_the_firmware_format_error()
    {
        AcpiGenerators.Mutated(AcpiGenerators.HestBytes).Sample(bytes =>
        {
            try { HestReader.Read(bytes, "mutated"); }
            catch (FirmwareFormatException) { }
        }, iter: 5000);
    }

    [Fact]
    public void Damaged_mcfg_bytes_decode_or_throw_only_the_firmware_format_error()
    {
        AcpiGenerators.Mutated(AcpiGenerators.Mcfg.Select(t => McfgWriter.Write(t))).Sample(bytes =>
        {
            try { McfgReader.Read(bytes, "mutated"); }
            catch (FirmwareFormatException) { }
        }, iter: 3000);
    }

    [Fact]
    public void Damaged_iort_bytes_decode_or_throw_only_the_firmware_format_error_and_still_translate()
    {
        AcpiGenerators.Mutated(AcpiGenerators.Iort.Select(IortWriter.Write)).Sample(bytes =>
        {
            AcpiReadResult<IortTable> read;
            try { read = IortReader.Read(bytes, "mutated"); }
            catch (FirmwareFormatException) { return; }
            // Whatever was decoded, translation ends (no cycle hangs it) and never indexes outside the nodes.
            for (uint segment = 0; segment < 3; segment++)
            {
                read.Table.TranslateRequesterId(segment, 0);
                read.Table.TranslateRequesterId(segment, 0xFFFF);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Every_prefix_of_every_reference_hest_decodes_or_throws_only_the_firmware_format_error()
    {
        foreach (string table in HestReferenceFiles.All())
        {
            byte[] bytes = File.ReadAllBytes(HestReferenceFiles.PathOf(table));
            for (int n = 0; n <= bytes.Length; n += 7)
            {
                try { HestReader.Read(bytes.AsSpan(0, n), table); }
                catch (FirmwareFormatException) { }
            }
        }
    }
}
