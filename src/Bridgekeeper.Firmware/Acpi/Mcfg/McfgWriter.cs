using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Mcfg;

/// <summary>Writes an MCFG (PCI Firmware 3.3 §4.1.2): header with computed Length and checksum, then the allocations.</summary>
public static class McfgWriter
{
    public static byte[] Write(McfgTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Allocations.IsDefault) throw new ArgumentException("MCFG allocations are not initialised");
        var bytes = new byte[McfgTable.FirstAllocationOffset + table.Allocations.Length * McfgAllocation.Size];
        AcpiTableCodec.WriteHeader(bytes, table.Header, McfgTable.Signature);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(McfgTable.ReservedOffset), table.Reserved);
        for (int i = 0; i < table.Allocations.Length; i++)
            table.Allocations[i].Write(bytes.AsSpan(McfgTable.FirstAllocationOffset + i * McfgAllocation.Size, McfgAllocation.Size));
        AcpiTableCodec.Seal(bytes);
        return bytes;
    }
}
