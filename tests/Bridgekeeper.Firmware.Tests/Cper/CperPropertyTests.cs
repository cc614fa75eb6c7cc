using System.Text.Json.Nodes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;
using Bridgekeeper.TestSupport;
using CsCheck;

namespace Bridgekeeper.Firmware.Tests.Cper;

public class CperPropertyTests
{
    private static readonly Gen<byte> Bcd = Gen.Int[0, 99].Select(v => CperTimestamp.ToBcd(v));

    /// <summary>A PCIe section whose every group is valid and whose reserved bytes are zero, so JSON keeps all of it.</summary>
    public static readonly Gen<PcieErrorSection> FullPcieSection =
        from ids in Gen.UInt.Array[4]
        from bytes in Gen.Byte.Array[16]
        from serial in Gen.ULong
        from version in Gen.Select(Bcd, Bcd)
        from slot in Gen.Int[0, 0x1FFF]
        from cap in Gen.Byte.Array[PcieCapabilityBlock.Size]
        from aer in Gen.Byte.Array[AerRegisterBlock.Size]
        select new PcieErrorSection
        {
            ValidationBits = 0xFF, PortType = ids[0] % 11, Version = version.Item1 | (uint)version.Item2 << 8,
            Command = (ushort)ids[1], Status = (ushort)(ids[1] >> 16), VendorId = (ushort)ids[2], DeviceId = (ushort)(ids[2] >> 16),
            ClassCodeBytes = ids[3] & 0xFFFFFF, Function = bytes[0], Device = bytes[1], Segment = (ushort)(bytes[2] | bytes[3] << 8),
            PrimaryOrDeviceBus = bytes[4], SecondaryBus = bytes[5], SlotRaw = (ushort)(slot << 3), SerialNumber = serial,
            BridgeSecondaryStatus = (ushort)(bytes[6] | bytes[7] << 8), BridgeControl = (ushort)(bytes[8] | bytes[9] << 8),
            Capability = PcieCapabilityBlock.From(cap), Aer = AerRegisterBlock.From(aer),
        };

    private static readonly Gen<(Guid Type, byte[] Body)> AnySection = Gen.OneOf(
        FullPcieSection.Select(s => (PcieErrorSection.TypeGuid, s.ToBytes())),
        Gen.Select(Gen.Guid, Gen.Byte.Array[1, 300], (g, b) => (g, b)));

    private static readonly Gen<CperSectionDescriptor> Descriptor =
        from revision in Gen.UShort
        from valid in Gen.Byte[0, 3]
        from flags in Gen.UInt[0, 0xFF]
        from fru in Gen.Guid
        from severity in Gen.UInt[0, 3]
        from text in Gen.Char['!', '~'].Array[0, 20]
        select new CperSectionDescriptor
        {
            Revision = revision, ValidationBits = valid, Flags = flags, FruId = fru, Severity = (CperSeverity)severity,
            FruText = FruText.FromString(new string(text)),
        };

    private static readonly Gen<CperRecordHeader> Header =
        from revision in Gen.UShort
        from valid in Gen.UInt[0, 7]
        from ts in Gen.Select(Gen.Int[0, 59], Gen.Int[0, 23], Bcd, Bcd)
        from ids in Gen.Guid.Array[4]
        from recordId in Gen.ULong
        from flags in Gen.UInt[0, 7]
        from persistence in Gen.ULong
        from severity in Gen.UInt[0, 3]
        select new CperRecordHeader
        {
            Revision = revision, ValidationBits = valid, Severity = (CperSeverity)severity,
            Timestamp = new CperTimestamp(CperTimestamp.ToBcd(ts.Item1) | (ulong)CperTimestamp.ToBcd(ts.Item2) << 16 | 0x01UL << 32 | 0x01UL << 40
                | (ulong)ts.Item3 << 48 | (ulong)ts.Item4 << 56),
            PlatformId = ids[0], PartitionId = ids[1], CreatorId = ids[2], NotificationType = ids[3], RecordId = recordId,
            Flags = flags, PersistenceInformation = persistence,
        };

    public static readonly Gen<CperRecord> ValidRecord =
        from header in Header
        from sections in Gen.Select(Descriptor, AnySection).Array[1, 5]
        select CperRecord.Create(header, sections.Select(s => (s.Item1 with { SectionType = s.Item2.Type }, (ReadOnlyMemory<byte>)s.Item2.Body)).ToList());

    [Fact]
    public void Random_valid_records_read_back_to_the_same_record_and_bytes()
    {
        ValidRecord.Sample(record =>
        {
            byte[] bytes = record.Write();
            var read = CperRecord.Read(bytes, "random");
            Assert.Equal(record, read);
            Assert.Equal(bytes, read.Write());
        }, iter: 500);
    }

    [Fact]
    public void Random_pcie_sections_read_back_to_the_same_value()
    {
        FullPcieSection.Sample(s => Assert.Equal(s, PcieErrorSection.Read(s.ToBytes(), "random")), iter: 1000);
    }

    [Fact]
    public void Random_valid_records_survive_json_and_back_byte_for_byte()
    {
        // libcper's JSON holds every byte of a record whose optional fields are all valid and whose
        // reserved bytes are zero; such a record must encode back to exactly itself.
        var gen = from header in Header
                  from sections in Gen.Select(Descriptor, AnySection).Array[1, 4]
                  select CperRecord.Create(header with { ValidationBits = 7 },
                      sections.Select(s => (s.Item1 with { SectionType = s.Item2.Type, ValidationBits = 3 }, (ReadOnlyMemory<byte>)s.Item2.Body)).ToList());
        gen.Sample(record =>
        {
            byte[] bytes = record.Write();
            var json = CperJsonWriter.ToJson(CperRecord.Read(bytes, "random"), []);
            byte[] again = CperJsonEncoder.Encode(JsonNode.Parse(json.ToJsonString())!.AsObject(), "random");
            Assert.Equal(bytes, again);
        }, iter: 300);
    }

    private static readonly byte[][] Corpus = BuildCorpus();

    private static byte[][] BuildCorpus()
    {
        var list = new List<byte[]>();
        foreach (var folder in new[] { "examples", "generated" })
            foreach (var f in ReferenceData.Files(Path.Combine("cper", folder), "*.cper"))
                list.Add(File.ReadAllBytes(f));
        return [.. list];
    }

    /// <summary>A reference record with random bytes overwritten, then truncated or extended.</summary>
    public static readonly Gen<byte[]> MutatedRecord =
        from index in Gen.Int[0, Corpus.Length - 1]
        from edits in Gen.Select(Gen.Int[0, 4000], Gen.Byte).Array[1, 8]
        from cut in Gen.Int[-200, 40]
        select Mutate(Corpus[index], edits, cut);

    private static byte[] Mutate(byte[] original, (int At, byte Value)[] edits, int lengthChange)
    {
        int length = Math.Max(0, original.Length + lengthChange);
        var bytes = new byte[length];
        original.AsSpan(0, Math.Min(length, original.Length)).CopyTo(bytes);
        foreach (var (at, value) in edits)
            if (length > 0) bytes[at % length] = value;
        return bytes;
    }

    [Fact]
    public void Mutated_records_decode_or_throw_only_the_firmware_format_error()
    {
        MutatedRecord.Sample(bytes =>
        {
            try
            {
                var record = CperRecord.Read(bytes, "mutated", []);
                CperJsonWriter.ToJson(record, []);
                Assert.Equal(Math.Min(record.Header.RecordLength, (uint)bytes.Length), (uint)record.Write().Length);
            }
            catch (FirmwareFormatException)
            {
                // the one allowed failure
            }
        }, iter: 3000);
    }

    [Fact]
    public void Random_bytes_decode_or_throw_only_the_firmware_format_error()
    {
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            "CPER"u8[..Math.Min(4, bytes.Length)].CopyTo(bytes);
            try { CperJsonWriter.ToJson(CperRecord.Read(bytes, "random"), []); }
            catch (FirmwareFormatException) { }
            try { CperJsonWriter.SingleSectionToJson(CperSingleSection.Read(bytes, "random"), []); }
            catch (FirmwareFormatException) { }
        }, iter: 3000);
    }
}
