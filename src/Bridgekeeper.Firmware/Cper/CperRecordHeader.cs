using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 128-byte Common Platform Error Record header (UEFI 2.10 App. N.2.1, Table N-1). Every byte is
/// kept, including the reserved tail, so that writing a record read from firmware gives the same bytes.
/// </summary>
public readonly record struct CperRecordHeader
{
    public const int Size = 128;
    public const uint SignatureStart = 0x52455043; // "CPER"
    public const uint SignatureEndValue = 0xFFFFFFFF;

    // UEFI 2.10 App. N Table N-1, offsets from the record start.
    private const int SignatureOffset = 0, RevisionOffset = 4, SignatureEndOffset = 6, SectionCountOffset = 10,
        SeverityOffset = 12, ValidationOffset = 16, RecordLengthOffset = 20, TimestampOffset = 24,
        PlatformIdOffset = 32, PartitionIdOffset = 48, CreatorIdOffset = 64, NotificationTypeOffset = 80,
        RecordIdOffset = 96, FlagsOffset = 104, PersistenceOffset = 108, ReservedOffset = 116;

    /// <summary>Validation bit 0: PlatformID valid; bit 1: TimeStamp valid; bit 2: PartitionID valid.</summary>
    public const uint PlatformIdValid = 1, TimestampValid = 2, PartitionIdValid = 4;

    public ushort Revision { get; init; }
    public ushort SectionCount { get; init; }
    public CperSeverity Severity { get; init; }
    public uint ValidationBits { get; init; }
    public uint RecordLength { get; init; }
    public CperTimestamp Timestamp { get; init; }
    public Guid PlatformId { get; init; }
    public Guid PartitionId { get; init; }
    public Guid CreatorId { get; init; }
    public Guid NotificationType { get; init; }
    public ulong RecordId { get; init; }
    /// <summary>Bit 0 recovered, bit 1 previous boot, bit 2 simulated (Table N-1 Flags).</summary>
    public uint Flags { get; init; }
    public ulong PersistenceInformation { get; init; }
    /// <summary>The 12 reserved bytes at offset 116 (low 8 bytes, then high 4), kept for exact round trips.</summary>
    public ulong ReservedLow { get; init; }
    public uint ReservedHigh { get; init; }

    /// <summary>Reads and checks the signatures; the caller checks lengths against the buffer.</summary>
    public static CperRecordHeader Read(ref FirmwareReader reader)
    {
        var r = reader.Slice(Size, "record header");
        uint signature = r.ReadUInt32("header.signatureStart");
        if (signature != SignatureStart)
        {
            r.Offset = SignatureOffset;
            r.Throw("header.signatureStart", $"expected 'CPER' (0x{SignatureStart:X8}) but found 0x{signature:X8}");
        }
        ushort revision = r.ReadUInt16("header.revision");
        uint signatureEnd = r.ReadUInt32("header.signatureEnd");
        if (signatureEnd != SignatureEndValue)
        {
            r.Offset = SignatureEndOffset;
            r.Throw("header.signatureEnd", $"expected 0xFFFFFFFF but found 0x{signatureEnd:X8}");
        }
        var header = new CperRecordHeader
        {
            Revision = revision,
            SectionCount = r.ReadUInt16("header.sectionCount"),
            Severity = (CperSeverity)r.ReadUInt32("header.errorSeverity"),
            ValidationBits = r.ReadUInt32("header.validationBits"),
            RecordLength = r.ReadUInt32("header.recordLength"),
            Timestamp = new CperTimestamp(r.ReadUInt64("header.timestamp")),
            PlatformId = r.ReadGuid("header.platformID"),
            PartitionId = r.ReadGuid("header.partitionID"),
            CreatorId = r.ReadGuid("header.creatorID"),
            NotificationType = r.ReadGuid("header.notificationType"),
            RecordId = r.ReadUInt64("header.recordID"),
            Flags = r.ReadUInt32("header.flags"),
            PersistenceInformation = r.ReadUInt64("header.persistenceInformation"),
            ReservedLow = r.ReadUInt64("header.reserved"),
            ReservedHigh = r.ReadUInt32("header.reserved"),
        };
        return header;
    }

    public void Write(Span<byte> destination)
    {
        var d = destination[..Size];
        BinaryPrimitives.WriteUInt32LittleEndian(d[SignatureOffset..], SignatureStart);
        BinaryPrimitives.WriteUInt16LittleEndian(d[RevisionOffset..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(d[SignatureEndOffset..], SignatureEndValue);
        BinaryPrimitives.WriteUInt16LittleEndian(d[SectionCountOffset..], SectionCount);
        BinaryPrimitives.WriteUInt32LittleEndian(d[SeverityOffset..], (uint)Severity);
        BinaryPrimitives.WriteUInt32LittleEndian(d[ValidationOffset..], ValidationBits);
        BinaryPrimitives.WriteUInt32LittleEndian(d[RecordLengthOffset..], RecordLength);
        BinaryPrimitives.WriteUInt64LittleEndian(d[TimestampOffset..], Timestamp.Raw);
        PlatformId.TryWriteBytes(d[PlatformIdOffset..]);
        PartitionId.TryWriteBytes(d[PartitionIdOffset..]);
        CreatorId.TryWriteBytes(d[CreatorIdOffset..]);
        NotificationType.TryWriteBytes(d[NotificationTypeOffset..]);
        BinaryPrimitives.WriteUInt64LittleEndian(d[RecordIdOffset..], RecordId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[FlagsOffset..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(d[PersistenceOffset..], PersistenceInformation);
        BinaryPrimitives.WriteUInt64LittleEndian(d[ReservedOffset..], ReservedLow);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(ReservedOffset + 8)..], ReservedHigh);
    }
}
