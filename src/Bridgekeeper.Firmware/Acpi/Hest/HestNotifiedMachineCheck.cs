using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// IA-32 machine check sources that carry a notification structure: Corrected Machine Check (type 1,
/// ACPI 6.5 §18.3.2.2, Table 18.6) and Deferred Machine Check (type 11, §18.3.2.11, Table 18.26). The
/// two layouts are identical, as ACPICA's acpi_hest_ia_corrected and acpi_hest_ia_deferred_check are.
/// </summary>
public sealed record HestNotifiedMachineCheck(
    HestSourceType Kind,
    ushort SourceId,
    ushort Reserved1,
    HestAerFlags Flags,
    byte Enabled,
    uint RecordsToPreallocate,
    uint MaxSectionsPerRecord,
    HardwareErrorNotification Notify,
    uint Reserved2,
    ImmutableArray<HestErrorBank> Banks) : HestErrorSource(SourceId)
{
    // ACPI 6.5 Table 18.6 / Table 18.26
    private const int Reserved1Offset = 4;
    private const int FlagsOffset = 6;
    private const int EnabledOffset = 7;
    private const int RecordsOffset = 8;
    private const int MaxSectionsOffset = 12;
    internal const int NotifyOffset = 16;
    internal const int BankCountOffset = 44;
    private const int Reserved2Offset = 45;
    private const int Reserved2Length = 3;
    internal const int FixedSize = 48;

    public override HestSourceType Type => Kind;

    public override int Length => FixedSize + (Banks.IsDefault ? 0 : Banks.Length) * HestErrorBank.Size;

    public static HestNotifiedMachineCheck Read(HestSourceType kind, ReadOnlySpan<byte> s)
    {
        var notifyReader = new FirmwareReader(s.Slice(NotifyOffset, HardwareErrorNotification.Size), "notify");
        return new HestNotifiedMachineCheck(
            kind,
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(SourceIdOffset)),
            BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(Reserved1Offset)),
            (HestAerFlags)s[FlagsOffset], s[EnabledOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RecordsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxSectionsOffset)),
            HardwareErrorNotification.Read(ref notifyReader),
            (uint)(s[Reserved2Offset] | s[Reserved2Offset + 1] << 8 | s[Reserved2Offset + 2] << 16),
            HestBanks.Read(s.Slice(FixedSize), s[BankCountOffset]));
    }

    public override void Write(Span<byte> d)
    {
        if (Kind is not (HestSourceType.Ia32CorrectedMachineCheck or HestSourceType.Ia32DeferredMachineCheck))
            throw new ArgumentException($"HEST source {SourceId}: {Kind} does not have the corrected/deferred machine check layout");
        HestBanks.CheckCount(Banks, SourceId);
        if (Reserved2 >> (8 * Reserved2Length) != 0)
            throw new ArgumentException($"HEST source {SourceId}: Reserved2 0x{Reserved2:X} does not fit in 3 bytes");
        d.Slice(0, Length).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(TypeOffset), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SourceIdOffset), SourceId);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(Reserved1Offset), Reserved1);
        d[FlagsOffset] = (byte)Flags;
        d[EnabledOffset] = Enabled;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RecordsOffset), RecordsToPreallocate);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxSectionsOffset), MaxSectionsPerRecord);
        Notify.Write(d.Slice(NotifyOffset, HardwareErrorNotification.Size));
        d[BankCountOffset] = (byte)Banks.Length;
        d[Reserved2Offset] = (byte)Reserved2;
        d[Reserved2Offset + 1] = (byte)(Reserved2 >> 8);
        d[Reserved2Offset + 2] = (byte)(Reserved2 >> 16);
        HestBanks.Write(Banks, d.Slice(FixedSize));
    }

    public bool Equals(HestNotifiedMachineCheck? other) =>
        other is not null && base.Equals(other) && Kind == other.Kind && Reserved1 == other.Reserved1
        && Flags == other.Flags && Enabled == other.Enabled && RecordsToPreallocate == other.RecordsToPreallocate
        && MaxSectionsPerRecord == other.MaxSectionsPerRecord && Notify == other.Notify
        && Reserved2 == other.Reserved2 && ImmutableArrayEquality.Equal(Banks, other.Banks);

    public override int GetHashCode() => HashCode.Combine(Kind, SourceId, Notify, ImmutableArrayEquality.Hash(Banks));
}
