using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// Reads a HEST (ACPI 6.5 §18.3.2) the way a tolerant OS does. The walk goes by each structure's
/// size, which follows from its type (HEST structures carry no length field), over the whole table
/// Length, as iasl does, regardless of Error Source Count. Defects that still leave a readable table
/// are warnings naming their offset: bad checksum, trailing bytes, a count that disagrees with the
/// walk, zero padding, an unknown type or a truncated structure (both stop the walk: nothing says
/// where the next structure would start), odd notification structures and duplicate source ids. Only
/// a wrong signature or a Length outside the input throws <see cref="FirmwareFormatException"/>.
/// </summary>
public static class HestReader
{
    public static HestReadResult Read(ReadOnlySpan<byte> input, string source)
    {
        var warnings = new List<AcpiWarning>();
        var table = AcpiTableCodec.ReadHeader(input, source, HestTable.Signature, out var header, out var frame, warnings);
        var sources = ImmutableArray.CreateBuilder<HestErrorSource>();
        var offsets = ImmutableArray.CreateBuilder<int>();

        uint count = 0;
        if (table.Length < HestTable.FirstErrorSourceOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TableTooShort, table.Length,
                $"table ends at {table.Length} byte(s), before the 4-byte Error Source Count at offset 0x{HestTable.ErrorSourceCountOffset:X}"));
        }
        else
        {
            count = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(HestTable.ErrorSourceCountOffset));
            Walk(table, sources, offsets, warnings);
            if (count != (uint)sources.Count)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.CountMismatch, HestTable.ErrorSourceCountOffset,
                    $"Error Source Count is {count} but the table holds {sources.Count} error source(s)"));
            }
            CheckSourceIds(sources, offsets, warnings);
        }

        return new HestReadResult(new HestTable(header, sources.ToImmutable()), frame, count,
            offsets.ToImmutable(), warnings.ToImmutableArray());
    }

    private static void Walk(ReadOnlySpan<byte> table, ImmutableArray<HestErrorSource>.Builder sources,
        ImmutableArray<int>.Builder offsets, List<AcpiWarning> warnings)
    {
        int at = HestTable.FirstErrorSourceOffset;
        while (at < table.Length)
        {
            var rest = table.Slice(at);
            if (StartsWithPadding(rest))
            {
                int next = EndOfPadding(rest);
                warnings.Add(new AcpiWarning(AcpiWarningKind.ZeroPadding, at,
                    next < 0 ? $"{rest.Length} zero byte(s) up to the end of the table"
                             : $"{next} zero byte(s) before the next error source at offset 0x{at + next:X}"));
                if (next < 0) return;
                at += next;
                continue;
            }
            if (rest.Length < 2)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.TrailingBytes, at,
                    $"{rest.Length} byte(s) left over, too few for an error source type"));
                return;
            }
            var type = (HestSourceType)BinaryPrimitives.ReadUInt16LittleEndian(rest);
            int size = SizeOf(type, rest);
            if (size == UnknownType)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.UnknownSubtableType, at,
                    $"unknown error source type {(ushort)type} (0x{(ushort)type:X}); HEST structures carry no length, so the remaining {rest.Length} byte(s) are not decoded"));
                return;
            }
            if (size > rest.Length)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.TruncatedSubtable, at,
                    $"{type} (type {(ushort)type}) needs {size} byte(s) but only {rest.Length} remain in the table"));
                return;
            }
            var structure = rest.Slice(0, size);
            var errorSource = Decode(type, structure);
            CheckNotify(errorSource, at, warnings);
            sources.Add(errorSource);
            offsets.Add(at);
            at += size;
        }
    }

    private const int UnknownType = -1;

    /// <summary>Bytes the structure starting at <paramref name="rest"/> occupies, from its type (ACPI 6.5 Table 18.3).</summary>
    private static int SizeOf(HestSourceType type, ReadOnlySpan<byte> rest) => type switch
    {
        HestSourceType.Ia32MachineCheck =>
            WithBanks(HestMachineCheck.FixedSize, HestMachineCheck.BankCountOffset, rest),
        HestSourceType.Ia32CorrectedMachineCheck or HestSourceType.Ia32DeferredMachineCheck =>
            WithBanks(HestNotifiedMachineCheck.FixedSize, HestNotifiedMachineCheck.BankCountOffset, rest),
        HestSourceType.Ia32Nmi => HestNmi.Size,
        HestSourceType.PcieRootPortAer => HestAer.RootPortSize,
        HestSourceType.PcieEndpointAer => HestAer.EndpointSize,
        HestSourceType.PcieBridgeAer => HestAer.BridgeSize,
        HestSourceType.GenericHardwareErrorSource => HestGhes.Size,
        HestSourceType.GenericHardwareErrorSourceV2 => HestGhes.SizeV2,
        _ => UnknownType,
    };

    // When the bank count itself lies past the end, the fixed part alone is already too long.
    private static int WithBanks(int fixedSize, int bankCountOffset, ReadOnlySpan<byte> rest) =>
        rest.Length <= bankCountOffset ? fixedSize : fixedSize + rest[bankCountOffset] * HestErrorBank.Size;

    private static HestErrorSource Decode(HestSourceType type, ReadOnlySpan<byte> s) => type switch
    {
        HestSourceType.Ia32MachineCheck => HestMachineCheck.Read(s),
        HestSourceType.Ia32CorrectedMachineCheck or HestSourceType.Ia32DeferredMachineCheck => HestNotifiedMachineCheck.Read(type, s),
        HestSourceType.Ia32Nmi => HestNmi.Read(s),
        HestSourceType.PcieRootPortAer or HestSourceType.PcieEndpointAer or HestSourceType.PcieBridgeAer => HestAer.Read(type, s),
        _ => HestGhes.Read(type, s),
    };

    private static void CheckNotify(HestErrorSource errorSource, int at, List<AcpiWarning> warnings)
    {
        (HardwareErrorNotification notify, int notifyOffset) = errorSource switch
        {
            HestGhes g => (g.Notify, HestGhes.NotifyOffset),
            HestNotifiedMachineCheck m => (m.Notify, HestNotifiedMachineCheck.NotifyOffset),
            _ => (default, -1),
        };
        if (notifyOffset < 0) return;
        int where = at + notifyOffset;
        if (notify.Length != HardwareErrorNotification.Size)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.NotifyLength, where + 1,
                $"source {errorSource.SourceId}: notification structure Length is {notify.Length}, ACPI 6.5 §18.3.2.9 defines {HardwareErrorNotification.Size}; read as {HardwareErrorNotification.Size} bytes"));
        }
        if (notify.Type > HardwareErrorNotification.LastDefinedType)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.ReservedNotifyType, where,
                $"source {errorSource.SourceId}: notification type {(byte)notify.Type} is reserved (ACPI 6.5 Table 18.14 ends at 11, SDEI)"));
        }
    }

    private static void CheckSourceIds(ImmutableArray<HestErrorSource>.Builder sources, ImmutableArray<int>.Builder offsets,
        List<AcpiWarning> warnings)
    {
        var seen = new HashSet<ushort>();
        for (int i = 0; i < sources.Count; i++)
        {
            if (!seen.Add(sources[i].SourceId))
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.DuplicateSourceId, offsets[i] + HestErrorSource.SourceIdOffset,
                    $"source id {sources[i].SourceId} (0x{sources[i].SourceId:X}) is used by an earlier error source; Linux ignores this one"));
            }
        }
    }

    // Zero padding: an all-zero run where a structure should start. Zero bytes also read as a type 0
    // (IA-32 machine check) source with id 0, but one whose first 16 bytes are all zero is disabled,
    // preallocates no records and allows no sections: no firmware describes a source that way, so the
    // run is padding. Shorter zero tails (under 16 bytes) cannot hold a type 0 source either.
    private const int PaddingProbe = 16;

    private static bool StartsWithPadding(ReadOnlySpan<byte> rest) =>
        !rest.Slice(0, Math.Min(PaddingProbe, rest.Length)).ContainsAnyExcept((byte)0);

    /// <summary>Offset of the first structure after the zero run, or -1 when zeros run to the end.</summary>
    private static int EndOfPadding(ReadOnlySpan<byte> rest)
    {
        int firstNonZero = rest.IndexOfAnyExcept((byte)0);
        if (firstNonZero < 0) return -1;
        // The run ends either at the low byte of a non-zero type, or inside a type 0 source whose
        // Source Id is its first non-zero field. Source ids can look like types, so prefer the reading
        // from which the rest of the table walks cleanly.
        int asType = firstNonZero;
        int asMachineCheck = firstNonZero - HestErrorSource.SourceIdOffset;
        bool typeFits = firstNonZero + 1 < rest.Length && rest[firstNonZero + 1] == 0
            && SizeOf((HestSourceType)rest[firstNonZero], rest.Slice(firstNonZero)) != UnknownType;
        if (typeFits && WalksCleanly(rest.Slice(asType))) return asType;
        if (WalksCleanly(rest.Slice(asMachineCheck))) return asMachineCheck;
        return typeFits ? asType : asMachineCheck;
    }

    /// <summary>Whether structures from here end exactly at the table end or at further padding.</summary>
    private static bool WalksCleanly(ReadOnlySpan<byte> rest)
    {
        int at = 0;
        while (at < rest.Length)
        {
            var here = rest.Slice(at);
            if (StartsWithPadding(here)) return true;
            if (here.Length < 2) return false;
            int size = SizeOf((HestSourceType)BinaryPrimitives.ReadUInt16LittleEndian(here), here);
            if (size == UnknownType || size > here.Length) return false;
            at += size;
        }
        return true;
    }
}
