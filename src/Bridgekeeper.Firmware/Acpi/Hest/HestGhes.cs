using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// Generic Hardware Error Source (type 9, ACPI 6.5 §18.3.2.7, Table 18.11, 64 bytes) and, when
/// <see cref="ReadAck"/> is present, Generic Hardware Error Source version 2 (type 10, §18.3.2.8,
/// Table 18.12, 92 bytes). The Error Status Address holds the address of the Generic Error Status
/// Block, not the block itself.
/// </summary>
public sealed record HestGhes(
    ushort SourceId,
    ushort RelatedSourceId,
    byte Reserved,
    byte Enabled,
    uint RecordsToPreallocate,
    uint MaxSectionsPerRecord,
    uint MaxRawDataLength,
    GenericAddress ErrorStatusAddress,
    HardwareErrorNotification Notify,
    uint ErrorStatusBlockLength,
    GhesReadAck? ReadAck = null) : HestErrorSource(SourceId)
{
    /// <summary>Related Source Id value meaning "no alternate source" (ACPI 6.5 Table 18.11).</summary>
    public const ushort NoRelatedSource = 0xFFFF;

    // ACPI 6.5 Tables 18.11 and 18.12
    private const int RelatedSourceIdOffset = 4;
    private const int ReservedOffset = 6;
    private const int EnabledOffset = 7;
    private const int RecordsOffset = 8;
    private const int MaxSectionsOffset = 12;
    private const int MaxRawDataLengthOffset = 16;
    private const int ErrorStatusAddressOffset = 20;
    internal const int NotifyOffset = 32;
    private const int ErrorStatusBlockLengthOffset = 60;
    private const int ReadAckRegisterOffset = 64;
    private const int ReadAckPreserveOffset = 76;
    private const int ReadAckWriteOffset = 84;
    internal const int Size = 64;
    internal const int SizeV2 = 92;

    public override HestSourceType Type =>
        ReadAck is null ? HestSourceType.GenericHardwareErrorSource : HestSourceType.GenericHardwareErrorSourceV2;

    public override int Length => ReadAck is null ? Size : SizeV2;

    public static HestGhes Read(HestSourceType kind, ReadOnlySpan<byte> s)
    {
        var gas = new FirmwareReader(s.Slice(ErrorStatusAddressOffset, GenericAddress.Size), "GHES");
        var notify = new FirmwareReader(s.Slice(NotifyOffset, HardwareErrorNotification.Size), "GHES");
        GhesReadAck? readAck = null;
        if (kind == HestSourceType.GenericHardwareErrorSourceV2)
        {
            var ack = new FirmwareReader(s.Slice(ReadAckRegisterOffset, GenericAddress.Size), "GHES");
            readAck = new GhesReadAck(
                GenericAddress.Read(ref ack, "Read Ack Register"),
                BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(ReadAckPreserveOffset)),
                BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(ReadAckWriteOffset)));
        }
        return new HestGhes(
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(SourceIdOffset)),
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(RelatedSourceIdOffset)),
            s[ReservedOffset], s[EnabledOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RecordsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxSectionsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxRawDataLengthOffset)),
            GenericAddress.Read(ref gas, "Error Status Address"),
            HardwareErrorNotification.Read(ref notify),
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(ErrorStatusBlockLengthOffset)),
            readAck);
    }

    public override void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(TypeOffset), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SourceIdOffset), SourceId);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(RelatedSourceIdOffset), RelatedSourceId);
        d[ReservedOffset] = Reserved;
        d[EnabledOffset] = Enabled;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RecordsOffset), RecordsToPreallocate);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxSectionsOffset), MaxSectionsPerRecord);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxRawDataLengthOffset), MaxRawDataLength);
        ErrorStatusAddress.Write(d.Slice(ErrorStatusAddressOffset, GenericAddress.Size));
        Notify.Write(d.Slice(NotifyOffset, HardwareErrorNotification.Size));
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ErrorStatusBlockLengthOffset), ErrorStatusBlockLength);
        if (ReadAck is { } ack)
        {
            ack.Register.Write(d.Slice(ReadAckRegisterOffset, GenericAddress.Size));
            BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(ReadAckPreserveOffset), ack.Preserve);
            BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(ReadAckWriteOffset), ack.Write);
        }
    }
}
