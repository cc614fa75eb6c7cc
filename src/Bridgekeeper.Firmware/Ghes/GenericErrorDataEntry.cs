using System.Buffers.Binary;
using Bridgekeeper.Firmware.Cper;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// One Generic Error Data Entry (ACPI 6.5 §18.3.2.7.1 Table 18.14): a 64-byte header (72 bytes from
/// revision 0x300 on, adding a timestamp) followed by one CPER section as its payload.
/// </summary>
public sealed record GenericErrorDataEntry
{
    public const int HeaderSizeV2 = 64, HeaderSizeV3 = 72;

    // ACPI 6.5 Table 18.14 offsets inside the entry.
    private const int SectionTypeOffset = 0, SeverityOffset = 16, RevisionOffset = 20, ValidationOffset = 22,
        FlagsOffset = 23, ErrorDataLengthOffset = 24, FruIdOffset = 28, FruTextOffset = 44, TimestampOffset = 64;

    /// <summary>Validation bits: 0 FRU ID, 1 FRU text, 2 timestamp.</summary>
    public const byte FruIdValid = 1, FruTextValid = 2, TimestampValid = 4;

    public Guid SectionType { get; init; }
    /// <summary>Raw CPER severity (0..3; anything else is unknown and maps to panic).</summary>
    public uint ErrorSeverity { get; init; }
    public ushort Revision { get; init; } = 0x0300;
    public byte ValidationBits { get; init; }
    /// <summary>Section flags (UEFI App. N Table N-5): bit 2 is RESET.</summary>
    public byte Flags { get; init; }
    public Guid FruId { get; init; }
    public FruText FruText { get; init; }
    public CperTimestamp Timestamp { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Linux: the v3 layout applies when <c>revision &gt;&gt; 8 &gt;= 3</c> (<c>acpi_hest_get_version</c>).</summary>
    public bool HasTimestampField => Revision >> 8 >= 3;

    public int HeaderSize => HasTimestampField ? HeaderSizeV3 : HeaderSizeV2;

    public int TotalSize => HeaderSize + Payload.Length;

    /// <summary>
    /// Reads the entry at the reader's position from <paramref name="data"/> (the whole block); at most
    /// <paramref name="remaining"/> bytes of the block's data area are left for it.
    /// </summary>
    internal static GenericErrorDataEntry Read(ReadOnlyMemory<byte> data, ref FirmwareReader reader, int remaining, int index)
    {
        long at = reader.BaseOffset + reader.Offset;
        var f = EntryFields.Of(index);
        if (remaining < HeaderSizeV2)
            reader.Throw(f.Header, $"needs {HeaderSizeV2} byte(s) but only {remaining} remain of data_length");
        int start = reader.Offset;
        var sectionType = reader.ReadGuid(f.SectionType);
        uint severity = reader.ReadUInt32(f.ErrorSeverity);
        ushort revision = reader.ReadUInt16(f.Revision);
        byte validation = reader.ReadByte(f.ValidationBits);
        byte flags = reader.ReadByte(f.Flags);
        uint length = reader.ReadUInt32(f.ErrorDataLength);
        var fruId = reader.ReadGuid(f.FruId);
        var fruText = FruText.From(reader.ReadBytes(CperSectionDescriptor.FruTextLength, f.FruText));
        int headerSize = revision >> 8 >= 3 ? HeaderSizeV3 : HeaderSizeV2;
        if (remaining < headerSize)
            throw new FirmwareFormatException(reader.Source, at, f.Header,
                $"revision 0x{revision:X4} needs a {headerSize}-byte header but only {remaining} byte(s) remain of data_length");
        ulong timestamp = headerSize == HeaderSizeV3 ? reader.ReadUInt64(f.Timestamp) : 0;
        // cper_estatus_check: the whole entry (header + payload) must fit in what is left of data_length.
        if (length > (uint)(remaining - headerSize))
            throw new FirmwareFormatException(reader.Source, at + ErrorDataLengthOffset, f.ErrorDataLength,
                $"{length} byte(s) of payload do not fit in the {remaining - headerSize} byte(s) left of data_length");
        reader.Skip((int)length, f.Payload);
        return new GenericErrorDataEntry
        {
            SectionType = sectionType, ErrorSeverity = severity, Revision = revision, ValidationBits = validation,
            Flags = flags, FruId = fruId, FruText = fruText, Timestamp = new CperTimestamp(timestamp),
            Payload = data.Slice(start + headerSize, (int)length),
        };
    }

    public void Write(Span<byte> destination)
    {
        var d = destination[..TotalSize];
        SectionType.TryWriteBytes(d[SectionTypeOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(d[SeverityOffset..], ErrorSeverity);
        BinaryPrimitives.WriteUInt16LittleEndian(d[RevisionOffset..], Revision);
        d[ValidationOffset] = ValidationBits;
        d[FlagsOffset] = Flags;
        BinaryPrimitives.WriteUInt32LittleEndian(d[ErrorDataLengthOffset..], (uint)Payload.Length);
        FruId.TryWriteBytes(d[FruIdOffset..]);
        FruText.CopyTo(d.Slice(FruTextOffset, CperSectionDescriptor.FruTextLength));
        if (HasTimestampField) BinaryPrimitives.WriteUInt64LittleEndian(d[TimestampOffset..], Timestamp.Raw);
        Payload.Span.CopyTo(d[HeaderSize..]);
    }

    public bool Equals(GenericErrorDataEntry? other) =>
        other is not null && SectionType == other.SectionType && ErrorSeverity == other.ErrorSeverity && Revision == other.Revision
        && ValidationBits == other.ValidationBits && Flags == other.Flags && FruId == other.FruId && FruText == other.FruText
        && Timestamp == other.Timestamp && Payload.Span.SequenceEqual(other.Payload.Span);

    public override int GetHashCode() => HashCode.Combine(SectionType, ErrorSeverity, Revision, Payload.Length);
}
