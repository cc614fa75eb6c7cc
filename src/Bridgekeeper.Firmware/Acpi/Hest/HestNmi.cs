using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>IA-32 Architecture Non-Maskable Interrupt (HEST type 2; ACPI 6.5 §18.3.2.3, Table 18.7), 20 bytes.</summary>
public sealed record HestNmi(
    ushort SourceId,
    uint Reserved,
    uint RecordsToPreallocate,
    uint MaxSectionsPerRecord,
    uint MaxRawDataLength) : HestErrorSource(SourceId)
{
    // ACPI 6.5 Table 18.7
    private const int ReservedOffset = 4;
    private const int RecordsOffset = 8;
    private const int MaxSectionsOffset = 12;
    private const int MaxRawDataLengthOffset = 16;
    internal const int Size = 20;

    public override HestSourceType Type => HestSourceType.Ia32Nmi;

    public override int Length => Size;

    public static HestNmi Read(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(SourceIdOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(ReservedOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RecordsOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxSectionsOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxRawDataLengthOffset)));

    public override void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(TypeOffset), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SourceIdOffset), SourceId);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ReservedOffset), Reserved);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RecordsOffset), RecordsToPreallocate);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxSectionsOffset), MaxSectionsPerRecord);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxRawDataLengthOffset), MaxRawDataLength);
    }
}
