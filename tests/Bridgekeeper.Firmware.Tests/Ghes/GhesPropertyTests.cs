using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Firmware.Tests.Cper;
using CsCheck;

namespace Bridgekeeper.Firmware.Tests.Ghes;

public class GhesPropertyTests
{
    private static readonly Gen<GenericErrorDataEntry> Entry =
        from pcie in Gen.Bool
        from section in CperPropertyTests.FullPcieSection
        from other in Gen.Byte.Array[0, 120]
        from type in Gen.Guid
        from severity in Gen.UInt[0, 4]
        from v3 in Gen.Bool
        from valid in Gen.Byte[0, 7]
        from flags in Gen.Byte
        from fru in Gen.Guid
        from ts in Gen.ULong
        select new GenericErrorDataEntry
        {
            SectionType = pcie ? PcieErrorSection.TypeGuid : type, ErrorSeverity = severity, Revision = v3 ? (ushort)0x0300 : (ushort)0x0201,
            ValidationBits = valid, Flags = flags, FruId = fru, Timestamp = new CperTimestamp(v3 ? ts : 0),
            Payload = pcie ? section.ToBytes() : other,
        };

    private static readonly Gen<GenericErrorStatusBlock> Block =
        from severity in Gen.UInt[0, 3]
        from entries in Entry.Array[1, 4]
        select GenericErrorStatusBlock.Create(severity, entries);

    [Fact]
    public void Random_valid_status_blocks_read_back_to_the_same_block_and_bytes()
    {
        Block.Sample(block =>
        {
            byte[] bytes = block.Write();
            var read = GenericErrorStatusBlock.Read(bytes, "random");
            Assert.Equal(block, read);
            Assert.Equal(bytes, read.Write());
        }, iter: 500);
    }

    [Fact]
    public void Mutated_status_blocks_decode_or_throw_only_the_firmware_format_error()
    {
        var gen = from block in Block
                  from edits in Gen.Select(Gen.Int[0, 2000], Gen.Byte).Array[1, 6]
                  from cut in Gen.Int[-100, 20]
                  select (block.Write(), edits, cut);
        gen.Sample(t =>
        {
            var (original, edits, cut) = t;
            var bytes = new byte[Math.Max(0, original.Length + cut)];
            original.AsSpan(0, Math.Min(bytes.Length, original.Length)).CopyTo(bytes);
            foreach (var (at, value) in edits)
                if (bytes.Length > 0) bytes[at % bytes.Length] = value;
            try
            {
                var block = GenericErrorStatusBlock.Read(bytes, "mutated", warnings: []);
                GhesJsonWriter.ToJson(block, "mutated", []);
                foreach (var e in block.Entries) FirmwareAerReportOrFormatError(e);
            }
            catch (FirmwareFormatException)
            {
            }
        }, iter: 3000);
    }

    private static void FirmwareAerReportOrFormatError(GenericErrorDataEntry e)
    {
        try { FirmwareAerReport.From(e, "mutated"); }
        catch (FirmwareFormatException) { }
    }
}
