using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Mcfg;

/// <summary>
/// The MCFG table (PCI Firmware Specification 3.3 §4.1.2 Table 4-2): after the ACPI header, 8 reserved
/// bytes and one 16-byte allocation per ECAM window. <see cref="McfgReader"/> reads it, <see cref="McfgWriter"/>
/// writes it.
/// </summary>
public sealed record McfgTable(AcpiTableHeader Header, ulong Reserved, ImmutableArray<McfgAllocation> Allocations)
{
    public const string Signature = "MCFG";

    // PCI Firmware 3.3 Table 4-2
    internal const int ReservedOffset = AcpiTableHeader.Size;
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

    public bool Equals(McfgTable? other) =>
        other is not null && Header == other.Header && Reserved == other.Reserved
        && ImmutableArrayEquality.Equal(Allocations, other.Allocations);

    public override int GetHashCode() => HashCode.Combine(Header, Reserved, ImmutableArrayEquality.Hash(Allocations));
}
