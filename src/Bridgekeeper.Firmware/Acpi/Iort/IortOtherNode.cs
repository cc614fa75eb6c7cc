using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// Any node this model has no typed view for (named component, SMMUv1/v2, PMCG, RMR, or a typed node
/// whose data has another revision's size): its node-specific bytes are kept as they are, its ID
/// mappings are decoded, so translation can still pass through it.
/// </summary>
public sealed record IortOtherNode(
    IortNodeType NodeType,
    byte Revision,
    uint Identifier,
    ImmutableArray<byte> Data,
    ImmutableArray<IortIdMapping> IdMappings) : IortNode(Revision, Identifier, IdMappings)
{
    public override IortNodeType Type => NodeType;

    public override int DataLength => Data.IsDefault ? 0 : Data.Length;

    public override void WriteData(Span<byte> d) => Data.AsSpan().CopyTo(d);

    public bool Equals(IortOtherNode? other) =>
        base.Equals(other) && NodeType == other!.NodeType && ImmutableArrayEquality.Equal(Data, other.Data);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), NodeType, ImmutableArrayEquality.Hash(Data));
}
