using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 72-byte section descriptor (UEFI 2.10 App. N.2.2, Table N-5). Offsets are from the record start.
/// </summary>
public readonly record struct CperSectionDescriptor
{
    public const int Size = 72;

    // UEFI 2.10 App. N Table N-5.
    private const int SectionOffsetOffset = 0, SectionLengthOffset = 4, RevisionOffset = 8, ValidationOffset = 10,
        ReservedOffset = 11, FlagsOffset = 12, SectionTypeOffset = 16, FruIdOffset = 32, SeverityOffset = 48,
        FruTextOffset = 52;

    public const int FruTextLength = 20;

    /// <summary>Validation bit 0: FRU ID valid; bit 1: FRU string valid.</summary>
    public const byte FruIdValid = 1, FruTextValid = 2;

    /// <summary>Section flag bits (Table N-5 Flags; Linux CPER_SEC_*).</summary>
    public const uint Primary = 0x01, ContainmentWarning = 0x02, Reset = 0x04, ErrorThresholdExceeded = 0x08,
        ResourceNotAccessible = 0x10, LatentError = 0x20, Propagated = 0x40, Overflow = 0x80;

    public uint SectionOffset { get; init; }
    public uint SectionLength { get; init; }
    public ushort Revision { get; init; }
    public byte ValidationBits { get; init; }
    public byte Reserved { get; init; }
    public uint Flags { get; init; }
    public Guid SectionType { get; init; }
    public Guid FruId { get; init; }
    public CperSeverity Severity { get; init; }
    /// <summary>The 20 FRU text bytes exactly as stored (ASCII, usually NUL-padded).</summary>
    public FruText FruText { get; init; }

    public static CperSectionDescriptor Read(ref FirmwareReader reader)
    {
        var r = reader.Slice(Size, "section descriptor");
        return new CperSectionDescriptor
        {
            SectionOffset = r.ReadUInt32("descriptor.sectionOffset"),
            SectionLength = r.ReadUInt32("descriptor.sectionLength"),
            Revision = r.ReadUInt16("descriptor.revision"),
            ValidationBits = r.ReadByte("descriptor.validationBits"),
            Reserved = r.ReadByte("descriptor.reserved"),
            Flags = r.ReadUInt32("descriptor.flags"),
            SectionType = r.ReadGuid("descriptor.sectionType"),
            FruId = r.ReadGuid("descriptor.fruID"),
            Severity = (CperSeverity)r.ReadUInt32("descriptor.severity"),
            FruText = FruText.From(r.ReadBytes(FruTextLength, "descriptor.fruText")),
        };
    }

    public void Write(Span<byte> destination)
    {
        var d = destination[..Size];
        BinaryPrimitives.WriteUInt32LittleEndian(d[SectionOffsetOffset..], SectionOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(d[SectionLengthOffset..], SectionLength);
        BinaryPrimitives.WriteUInt16LittleEndian(d[RevisionOffset..], Revision);
        d[ValidationOffset] = ValidationBits;
        d[ReservedOffset] = Reserved;
        BinaryPrimitives.WriteUInt32LittleEndian(d[FlagsOffset..], Flags);
        SectionType.TryWriteBytes(d[SectionTypeOffset..]);
        FruId.TryWriteBytes(d[FruIdOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(d[SeverityOffset..], (uint)Severity);
        FruText.CopyTo(d.Slice(FruTextOffset, FruTextLength));
    }
}
