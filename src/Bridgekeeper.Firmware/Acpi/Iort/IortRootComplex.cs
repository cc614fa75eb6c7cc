using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// PCI root complex node (Arm DEN 0049 §3.1.1.5, Table 17, node revision 1 layout: 20 data bytes
/// ending with the memory address size limit). Its ID mappings take Requester IDs of the segment
/// to StreamIDs (into an SMMU node) or DeviceIDs (into an ITS group).
/// </summary>
public sealed record IortRootComplex(
    byte Revision,
    uint Identifier,
    uint CacheCoherency,
    byte AllocationHints,
    ushort MemoryAccessReserved,
    byte MemoryAccessFlags,
    uint AtsAttribute,
    uint PciSegment,
    byte MemoryAddressSizeLimit,
    uint Reserved,
    ImmutableArray<IortIdMapping> IdMappings) : IortNode(Revision, Identifier, IdMappings)
{
    // Arm DEN 0049 Table 17, offsets from the end of the node header
    private const int CacheCoherencyOffset = 0;
    private const int AllocationHintsOffset = 4;
    private const int MemoryAccessReservedOffset = 5;
    private const int MemoryAccessFlagsOffset = 7;
    private const int AtsAttributeOffset = 8;
    private const int PciSegmentOffset = 12;
    private const int MemoryAddressSizeLimitOffset = 16;
    private const int ReservedOffset = 17;
    internal const int Size = 20;

    public override IortNodeType Type => IortNodeType.RootComplex;

    public override int DataLength => Size;

    internal static IortRootComplex? TryRead(byte revision, uint identifier, ReadOnlySpan<byte> d, ImmutableArray<IortIdMapping> mappings)
    {
        if (d.Length != Size) return null;
        return new IortRootComplex(revision, identifier,
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(CacheCoherencyOffset)),
            d[AllocationHintsOffset],
            BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(MemoryAccessReservedOffset)),
            d[MemoryAccessFlagsOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(AtsAttributeOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(PciSegmentOffset)),
            d[MemoryAddressSizeLimitOffset],
            (uint)(d[ReservedOffset] | d[ReservedOffset + 1] << 8 | d[ReservedOffset + 2] << 16),
            mappings);
    }

    public override void WriteData(Span<byte> d)
    {
        if (Reserved >> 24 != 0) throw new ArgumentException($"IORT root complex: Reserved 0x{Reserved:X} does not fit in 3 bytes");
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(CacheCoherencyOffset), CacheCoherency);
        d[AllocationHintsOffset] = AllocationHints;
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(MemoryAccessReservedOffset), MemoryAccessReserved);
        d[MemoryAccessFlagsOffset] = MemoryAccessFlags;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(AtsAttributeOffset), AtsAttribute);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(PciSegmentOffset), PciSegment);
        d[MemoryAddressSizeLimitOffset] = MemoryAddressSizeLimit;
        d[ReservedOffset] = (byte)Reserved;
        d[ReservedOffset + 1] = (byte)(Reserved >> 8);
        d[ReservedOffset + 2] = (byte)(Reserved >> 16);
    }

    public bool Equals(IortRootComplex? other) =>
        base.Equals(other) && CacheCoherency == other!.CacheCoherency && AllocationHints == other.AllocationHints
        && MemoryAccessReserved == other.MemoryAccessReserved && MemoryAccessFlags == other.MemoryAccessFlags
        && AtsAttribute == other.AtsAttribute && PciSegment == other.PciSegment
        && MemoryAddressSizeLimit == other.MemoryAddressSizeLimit && Reserved == other.Reserved;

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), PciSegment);
}
