using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// One ID mapping (Arm DEN 0049 §3.4, Table 5), 20 bytes: input IDs InputBase..InputBase+IdCount map
/// to OutputBase.. in the node at <see cref="OutputNodeIndex"/> (the table stores a byte offset; the
/// model keeps the index into <see cref="IortTable.Nodes"/>, -1 when the offset named no node).
/// <see cref="IdCount"/> is as stored: the number of IDs in the range minus one.
/// </summary>
public readonly record struct IortIdMapping(uint InputBase, uint IdCount, uint OutputBase, int OutputNodeIndex, uint Flags = 0)
{
    // Arm DEN 0049 Table 5
    private const int InputBaseOffset = 0;
    private const int IdCountOffset = 4;
    private const int OutputBaseOffset = 8;
    private const int OutputReferenceOffset = 12;
    private const int FlagsOffset = 16;
    public const int Size = 20;

    /// <summary>Flags bit 0: one output ID regardless of input (a device's own MSI, or a single-ID component).</summary>
    public const uint SingleMappingFlag = 1;

    public bool IsSingle => (Flags & SingleMappingFlag) != 0;

    /// <summary>Whether <paramref name="id"/> lies in the inclusive input range (Linux iort_id_map).</summary>
    public bool Contains(uint id) => id >= InputBase && (ulong)id <= (ulong)InputBase + IdCount;

    public uint Map(uint id) => unchecked(OutputBase + (id - InputBase));

    internal static IortIdMapping Read(ReadOnlySpan<byte> b, int outputNodeIndex) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(InputBaseOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(IdCountOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(OutputBaseOffset)),
        outputNodeIndex,
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(FlagsOffset)));

    internal static uint ReadOutputReference(ReadOnlySpan<byte> b) =>
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(OutputReferenceOffset));

    internal void Write(Span<byte> d, uint outputReference)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(InputBaseOffset), InputBase);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(IdCountOffset), IdCount);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(OutputBaseOffset), OutputBase);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(OutputReferenceOffset), outputReference);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(FlagsOffset), Flags);
    }
}
