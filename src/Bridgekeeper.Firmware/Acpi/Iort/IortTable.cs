using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// IO Remapping Table (Arm DEN 0049): which SMMU and ITS serve which PCI Requester IDs. Nodes are kept
/// in table order; ID mappings refer to their target by index into <see cref="Nodes"/>. The node
/// count, node array offset, node lengths and mapping offsets are derived when written.
/// </summary>
public sealed record IortTable(AcpiTableHeader Header, uint Reserved, ImmutableArray<IortNode> Nodes)
{
    public const string Signature = "IORT";

    // Arm DEN 0049 Table 2
    public const int NodeCountOffset = AcpiTableHeader.Size;
    public const int NodeArrayOffsetOffset = NodeCountOffset + 4;
    public const int ReservedOffset = NodeArrayOffsetOffset + 4;
    public const int FirstNodeOffset = ReservedOffset + 4;

    /// <summary>
    /// Where a PCI function's Requester ID goes (Linux iort_node_map_id): the root complex of the segment
    /// maps it, through the first mapping whose range holds it, to a StreamID of an SMMUv3 (then on to an
    /// ITS DeviceID through the SMMU's own mappings) or straight to an ITS DeviceID. Single mappings of a
    /// root complex apply to every Requester ID; those of an SMMU (its own MSIs) are skipped.
    /// </summary>
    public IortIdTranslation TranslateRequesterId(uint segment, ushort requesterId)
    {
        int rootComplex = -1;
        for (int i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i] is IortRootComplex rc && rc.PciSegment == segment) { rootComplex = i; break; }
        }
        if (rootComplex < 0) return IortIdTranslation.NoRootComplex;

        uint id = requesterId;
        int node = rootComplex;
        uint? streamId = null;
        int? smmu = null;
        // Each step moves to another node; a table with a mapping cycle ends after Nodes.Length steps.
        for (int step = 0; step <= Nodes.Length; step++)
        {
            if (!TryMapThrough(Nodes[node], id, out uint output, out int target)
                || (uint)target >= (uint)Nodes.Length)
                return new IortIdTranslation(rootComplex, streamId, smmu, null, null);
            id = output;
            node = target;
            switch (Nodes[node].Type)
            {
                case IortNodeType.ItsGroup:
                    return new IortIdTranslation(rootComplex, streamId, smmu, id, node);
                case IortNodeType.SmmuV3 or IortNodeType.SmmuV1V2 when smmu is null:
                    streamId = id;
                    smmu = node;
                    break;
            }
        }
        return new IortIdTranslation(rootComplex, streamId, smmu, null, null);
    }

    private static bool TryMapThrough(IortNode node, uint id, out uint output, out int target)
    {
        bool singleApplies = node.Type is IortNodeType.RootComplex or IortNodeType.NamedComponent;
        foreach (var m in node.IdMappings)
        {
            if (m.IsSingle)
            {
                if (!singleApplies) continue;
                output = m.OutputBase;
                target = m.OutputNodeIndex;
                return true;
            }
            if (m.Contains(id))
            {
                output = m.Map(id);
                target = m.OutputNodeIndex;
                return true;
            }
        }
        output = 0;
        target = -1;
        return false;
    }

    public bool Equals(IortTable? other) =>
        other is not null && Header == other.Header && Reserved == other.Reserved
        && ImmutableArrayEquality.Equal(Nodes, other.Nodes);

    public override int GetHashCode() => HashCode.Combine(Header, Reserved, ImmutableArrayEquality.Hash(Nodes));
}
