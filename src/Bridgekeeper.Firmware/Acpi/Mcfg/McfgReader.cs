using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Mcfg;

/// <summary>
/// Reads an MCFG (PCI Firmware 3.3 §4.1.2). It tolerates what iasl tolerates (bad checksum, trailing
/// bytes, a partial last entry) and flags an end bus below the start bus, each with a warning.
/// </summary>
public static class McfgReader
{
    public static AcpiReadResult<McfgTable> Read(ReadOnlySpan<byte> input, string source)
    {
        var warnings = new List<AcpiWarning>();
        var table = AcpiTableCodec.ReadHeader(input, source, McfgTable.Signature, out var header, out var frame, warnings);
        ulong reserved = 0;
        var allocations = ImmutableArray.CreateBuilder<McfgAllocation>();
        if (table.Length < McfgTable.FirstAllocationOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TableTooShort, table.Length,
                $"table ends at {table.Length} byte(s), before the 8 reserved bytes at offset 0x{McfgTable.ReservedOffset:X} end"));
        }
        else
        {
            reserved = BinaryPrimitives.ReadUInt64LittleEndian(table.Slice(McfgTable.ReservedOffset));
            int at = McfgTable.FirstAllocationOffset;
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
}
