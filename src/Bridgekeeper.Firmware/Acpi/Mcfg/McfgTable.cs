using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Mcfg;

/// <summary>
/// The MCFG table (PCI Firmware Specification 3.3 §4.1.2 Table 4-2): after the ACPI header, 8 reserved
/// bytes and one 16-byte allocation per ECAM window. Reading tolerates what iasl tolerates (bad checksum,
/// trailing bytes, a partial last entry) with warnings; writing computes Length and checksum.
/// </summary>
public sealed record McfgTable(AcpiTableHeader Header, ulong Reserved, ImmutableArray<McfgAllocation> Allocations)
{
    public const string Signature = "MCFG";

    // PCI Firmware 3.3 Table 4-2
    private const int ReservedOffset = AcpiTableHeader.Size;
    public const int FirstAllocationOffset = ReservedOffset + 8;

    /// <summary>The allocation that decodes <paramref name="bus"/> of <paramref name="segment"/>, if any.</summary>
    public McfgAllocation? Find(ushort segment, byte bus)
    {
        foreach (var a in Allocations)
        {
            if (a.Covers(segment, bus)) return a;
        }
        return null;
    }

    public static AcpiReadResult<McfgTable> Read(ReadOnlySpan<byte> input, string source)
    {
        var warnings = new List<AcpiWarning>();
        var table = AcpiTableCodec.ReadHeader(input, source, Signature, out var header, out var frame, warnings);
        ulong reserved = 0;
        var allocations = ImmutableArray.CreateBuilder<McfgAllocation>();
        if (table.Length < FirstAllocationOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TableTooShort, table.Length,
                $"table ends at {table.Length} byte(s), before the 8 reserved bytes at offset 0x{ReservedOffset:X} end"));
        }
        else
        {
            reserved = BinaryPrimitives.ReadUInt64LittleEndian(table.Slice(ReservedOffset));
            int at = FirstAllocationOffset;
            for (; at + McfgAllocation.Size <= table.Length; at += McfgAllocation.Size)
            {
                var allocation = McfgAllocation.Read(table.Slice(at, McfgAllocation.Size));
                if (allocation.EndBus < allocation.StartBus)
                {
                    warnings.Add(new AcpiWarning(AcpiWarningKind.InvalidField, at + 11,
                        $"segment {allocation.Segment}: end bus 0x{allocation.EndBus:X2} is below start bus 0x{allocation.StartBus:X2}"));
                }
                allocations.Add(allocation);
            }
            if (at < table.Length)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.TruncatedSubtable, at,
                    $"{table.Length - at} byte(s) left, too few for a {McfgAllocation.Size}-byte allocation"));
            }
        }
        return new AcpiReadResult<McfgTable>(new McfgTable(header, reserved, allocations.ToImmutable()), frame, warnings.ToImmutableArray());
    }

    public byte[] Write()
    {
        if (Header.Signature != Signature)
            throw new ArgumentException($"an MCFG must have signature \"{Signature}\", not \"{Header.Signature}\"");
        if (Allocations.IsDefault) throw new ArgumentException("MCFG allocations are not initialised");
        var bytes = new byte[FirstAllocationOffset + Allocations.Length * McfgAllocation.Size];
        AcpiTableCodec.WriteHeader(bytes, Header);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(ReservedOffset), Reserved);
        for (int i = 0; i < Allocations.Length; i++)
            Allocations[i].Write(bytes.AsSpan(FirstAllocationOffset + i * McfgAllocation.Size, McfgAllocation.Size));
        AcpiTableCodec.Seal(bytes);
        return bytes;
    }

    public bool Equals(McfgTable? other) =>
        other is not null && Header == other.Header && Reserved == other.Reserved
        && ImmutableArrayEquality.Equal(Allocations, other.Allocations);

    public override int GetHashCode() => HashCode.Combine(Header, Reserved, ImmutableArrayEquality.Hash(Allocations));
}
