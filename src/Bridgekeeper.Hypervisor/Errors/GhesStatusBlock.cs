using System.Buffers.Binary;
using Bridgekeeper.Firmware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Validates a Generic Error Status Block (ACPI 6.5 §18.3.2.7.1) exactly as Linux's
/// <c>__ghes_check_estatus</c> and <c>cper_estatus_check</c> do, and picks out its CPER PCIe sections
/// (UEFI 2.10 §N.2.7) by raw offsets. Also writes such a block (a virtual GHES record for a guest).
/// TODO(issue 6): fold into the Firmware GHES/CPER readers once the cper branch is merged.
/// </summary>
public static class GhesStatusBlock
{
    public const int HeaderLength = 20;
    public const int EntryHeaderLength = 64;
    public const int EntryHeaderLengthV3 = 72;
    public const int PcieSectionLength = 208;
    public const int MaxLength = 64 * 1024;

    // Block header (ACPI 6.5 Table 18.15).
    private const int BlockStatusOffset = 0;
    private const int RawDataOffsetOffset = 4;
    private const int RawDataLengthOffset = 8;
    private const int DataLengthOffset = 12;
    private const int ErrorSeverityOffset = 16;

    // Data entry (ACPI 6.5 Table 18.16).
    private const int SectionTypeOffset = 0;
    private const int EntrySeverityOffset = 16;
    private const int RevisionOffset = 20;
    private const int FlagsOffset = 23;
    private const int ErrorDataLengthOffset = 24;

    // PCIe Error Section (UEFI 2.10 Table N-30).
    private const int ValidationOffset = 0;
    private const int DevFunctionOffset = 31;
    private const int DevDeviceOffset = 32;
    private const int DevSegmentOffset = 33;
    private const int DevBusOffset = 35;
    private const int AerInfoOffset = 112;

    /// <summary>UEFI 2.10 §N.2.2: D995E954-BBC1-430F-AD91-B44DCB3C6F35 in EFI_GUID byte order.</summary>
    public static ReadOnlySpan<byte> PcieSectionGuid =>
        [0x54, 0xE9, 0x95, 0xD9, 0xC1, 0xBB, 0x0F, 0x43, 0xAD, 0x91, 0xB4, 0x4D, 0xCB, 0x3C, 0x6F, 0x35];

    public static uint BlockStatus(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[BlockStatusOffset..]);

    /// <summary><c>cper_estatus_len</c>: raw data end when raw data exists, else header plus data entries.</summary>
    public static long TotalLength(ReadOnlySpan<byte> header)
    {
        uint rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataOffsetOffset..]);
        uint rawLength = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataLengthOffset..]);
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[DataLengthOffset..]);
        return rawLength != 0 ? (long)rawOffset + rawLength : HeaderLength + (long)dataLength;
    }

    /// <summary>Checks the header against the source's block length; throws naming the field.</summary>
    public static int CheckHeader(ReadOnlySpan<byte> header, uint errorBlockLength, string source)
    {
        long len = TotalLength(header);
        long limit = Math.Min(errorBlockLength, MaxLength);
        if (len < HeaderLength || len > limit)
            throw new FirmwareFormatException(source, DataLengthOffset, "data_length", $"record length {len} outside [{HeaderLength}, {limit}]");
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[DataLengthOffset..]);
        if (dataLength != 0 && dataLength < EntryHeaderLength)
            throw new FirmwareFormatException(source, DataLengthOffset, "data_length", $"{dataLength} is neither 0 nor at least {EntryHeaderLength}");
        uint rawLength = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataLengthOffset..]);
        uint rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[RawDataOffsetOffset..]);
        if (rawLength != 0 && rawOffset < HeaderLength + (long)dataLength)
            throw new FirmwareFormatException(source, RawDataOffsetOffset, "raw_data_offset", $"{rawOffset} overlaps the data entries ending at {HeaderLength + dataLength}");
        return (int)len;
    }

    /// <summary>The block's severity field (0 recoverable, 1 fatal, 2 corrected, 3 none).</summary>
    public static uint Severity(ReadOnlySpan<byte> block) => BinaryPrimitives.ReadUInt32LittleEndian(block[ErrorSeverityOffset..]);

    /// <summary>Walks the data entries (their lengths must add up exactly to data_length) and returns the PCIe sections.</summary>
    public static List<GhesPcieEntry> PcieEntries(ReadOnlySpan<byte> block, string source)
    {
        var result = new List<GhesPcieEntry>();
        int dataLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(block[DataLengthOffset..]);
        int at = HeaderLength, end = HeaderLength + dataLength;
        if (end > block.Length) throw new FirmwareFormatException(source, DataLengthOffset, "data_length", $"entries end at {end}, block is {block.Length} bytes");
        while (at < end)
        {
            if (end - at < EntryHeaderLength)
                throw new FirmwareFormatException(source, at, "generic error data entry", $"{end - at} bytes left, an entry header needs {EntryHeaderLength}");
            var entry = block[at..end];
            ushort revision = BinaryPrimitives.ReadUInt16LittleEndian(entry[RevisionOffset..]);
            int headerLength = (revision >> 8) >= 3 ? EntryHeaderLengthV3 : EntryHeaderLength;
            uint payload = BinaryPrimitives.ReadUInt32LittleEndian(entry[ErrorDataLengthOffset..]);
            if (headerLength > entry.Length || payload > (uint)(entry.Length - headerLength))
                throw new FirmwareFormatException(source, at + ErrorDataLengthOffset, "error_data_length", $"entry of {headerLength}+{payload} bytes overruns data_length");
            var section = entry.Slice(headerLength, (int)payload);
            if (entry[SectionTypeOffset..(SectionTypeOffset + 16)].SequenceEqual(PcieSectionGuid))
            {
                if (section.Length < PcieSectionLength)
                    throw new FirmwareFormatException(source, at + headerLength, "PCIe error section", $"{section.Length} bytes, expected {PcieSectionLength}");
                var device = new Sbdf(BinaryPrimitives.ReadUInt16LittleEndian(section[DevSegmentOffset..]), section[DevBusOffset],
                    section[DevDeviceOffset] & 0x1F, section[DevFunctionOffset] & 0x7);
                result.Add(new GhesPcieEntry(BinaryPrimitives.ReadUInt32LittleEndian(entry[EntrySeverityOffset..]), entry[FlagsOffset],
                    BinaryPrimitives.ReadUInt64LittleEndian(section[ValidationOffset..]), device,
                    section.Slice(AerInfoOffset, AerErrorInfoLength).ToArray()));
            }
            at += headerLength + (int)payload;
        }
        return result;
    }

    private const int AerErrorInfoLength = AerRegisterBlob.CperLength;

    /// <summary>
    /// Writes a status block holding one revision-0x300 data entry with one PCIe section (as QEMU's
    /// <c>ghes_record_cper_errors</c> lays out guest records): validation bits device ID and AER info.
    /// </summary>
    public static byte[] WritePcie(Sbdf device, uint cperSeverity, byte entryFlags, ReadOnlySpan<byte> aerInfo)
    {
        int dataLength = EntryHeaderLengthV3 + PcieSectionLength;
        var block = new byte[HeaderLength + dataLength];
        var s = block.AsSpan();
        uint status = cperSeverity == 2 ? 0x2u : 0x1u; // Correctable / Uncorrectable Error Valid
        BinaryPrimitives.WriteUInt32LittleEndian(s[BlockStatusOffset..], status | (1u << 4));
        BinaryPrimitives.WriteUInt32LittleEndian(s[DataLengthOffset..], (uint)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(s[ErrorSeverityOffset..], cperSeverity);
        var entry = s[HeaderLength..];
        PcieSectionGuid.CopyTo(entry);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[EntrySeverityOffset..], cperSeverity);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[RevisionOffset..], 0x0300);
        entry[FlagsOffset] = entryFlags;
        BinaryPrimitives.WriteUInt32LittleEndian(entry[ErrorDataLengthOffset..], PcieSectionLength);
        var section = entry[EntryHeaderLengthV3..];
        BinaryPrimitives.WriteUInt64LittleEndian(section[ValidationOffset..], GhesPcieEntry.DeviceIdValid | GhesPcieEntry.AerInfoValid);
        section[DevFunctionOffset] = (byte)device.Function;
        section[DevDeviceOffset] = (byte)device.Device;
        BinaryPrimitives.WriteUInt16LittleEndian(section[DevSegmentOffset..], (ushort)device.Segment);
        section[DevBusOffset] = device.Bus;
        aerInfo[..AerErrorInfoLength].CopyTo(section[AerInfoOffset..]);
        return block;
    }
}
