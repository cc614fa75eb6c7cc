using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>IA-32 Architecture Machine Check Exception (HEST type 0; ACPI 6.5 §18.3.2.1, Table 18.4).</summary>
public sealed record HestMachineCheck(
    ushort SourceId,
    ushort Reserved1,
    HestAerFlags Flags,
    byte Enabled,
    uint RecordsToPreallocate,
    uint MaxSectionsPerRecord,
    ulong GlobalCapabilityData,
    ulong GlobalControlData,
    ulong Reserved2,
    ImmutableArray<HestErrorBank> Banks) : HestErrorSource(SourceId)
{
    // ACPI 6.5 Table 18.4
    private const int Reserved1Offset = 4;
    private const int FlagsOffset = 6;
    private const int EnabledOffset = 7;
    private const int RecordsOffset = 8;
    private const int MaxSectionsOffset = 12;
    private const int GlobalCapabilityOffset = 16;
    private const int GlobalControlOffset = 24;
    internal const int BankCountOffset = 32;
    private const int Reserved2Offset = 33;
    private const int Reserved2Length = 7;
    internal const int FixedSize = 40;

    public override HestSourceType Type => HestSourceType.Ia32MachineCheck;

    public override int Length => FixedSize + (Banks.IsDefault ? 0 : Banks.Length) * HestErrorBank.Size;

    public static HestMachineCheck Read(ReadOnlySpan<byte> s)
    {
        Span<byte> reserved2 = stackalloc byte[8];
        reserved2.Clear();
        s.Slice(Reserved2Offset, Reserved2Length).CopyTo(reserved2);
        return new HestMachineCheck(
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(SourceIdOffset)),
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(Reserved1Offset)),
            (HestAerFlags)s[FlagsOffset], s[EnabledOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RecordsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxSectionsOffset)),
            BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(GlobalCapabilityOffset)),
            BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(GlobalControlOffset)),
            BinaryPrimitives.ReadUInt64LittleEndian(reserved2),
            HestBanks.Read(s.Slice(FixedSize), s[BankCountOffset]));
    }

    public override void Write(Span<byte> d)
    {
        HestBanks.CheckCount(Banks, SourceId);
        if (Reserved2 >> (8 * Reserved2Length) != 0)
            throw new ArgumentException($"HEST source {SourceId}: Reserved2 0x{Reserved2:X} does not fit in 7 bytes");
        d.Slice(0, Length).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(TypeOffset), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SourceIdOffset), SourceId);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(Reserved1Offset), Reserved1);
        d[FlagsOffset] = (byte)Flags;
        d[EnabledOffset] = Enabled;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RecordsOffset), RecordsToPreallocate);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxSectionsOffset), MaxSectionsPerRecord);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(GlobalCapabilityOffset), GlobalCapabilityData);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(GlobalControlOffset), GlobalControlData);
        d[BankCountOffset] = (byte)Banks.Length;
        Span<byte> reserved2 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(reserved2, Reserved2);
        reserved2.Slice(0, Reserved2Length).CopyTo(d.Slice(Reserved2Offset));
        HestBanks.Write(Banks, d.Slice(FixedSize));
    }

    public bool Equals(HestMachineCheck? other) =>
        other is not null && base.Equals(other) && Reserved1 == other.Reserved1 && Flags == other.Flags
        && Enabled == other.Enabled && RecordsToPreallocate == other.RecordsToPreallocate
        && MaxSectionsPerRecord == other.MaxSectionsPerRecord && GlobalCapabilityData == other.GlobalCapabilityData
        && GlobalControlData == other.GlobalControlData && Reserved2 == other.Reserved2
        && ImmutableArrayEquality.Equal(Banks, other.Banks);

    public override int GetHashCode() => HashCode.Combine(SourceId, GlobalCapabilityData, ImmutableArrayEquality.Hash(Banks));
}
