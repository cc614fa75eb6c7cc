using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// Writes an IORT (Arm DEN 0049): the node array right after the fixed fields (offset 48), each node
/// as header, data, ID mappings; output references become the byte offsets of the target nodes.
/// </summary>
public static class IortWriter
{
    public static byte[] Write(IortTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Nodes.IsDefault) throw new ArgumentException("IORT nodes are not initialised");

        var offsets = new int[table.Nodes.Length];
        int length = IortTable.FirstNodeOffset;
        for (int i = 0; i < table.Nodes.Length; i++)
        {
            offsets[i] = length;
            int nodeLength = table.Nodes[i].Length;
            if (nodeLength > ushort.MaxValue)
                throw new ArgumentException($"IORT node {i} is {nodeLength} bytes; the Length field holds at most {ushort.MaxValue}");
            length += nodeLength;
        }

        var bytes = new byte[length];
        AcpiTableCodec.WriteHeader(bytes, table.Header, IortTable.Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(IortTable.NodeCountOffset), (uint)table.Nodes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(IortTable.NodeArrayOffsetOffset), IortTable.FirstNodeOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(IortTable.ReservedOffset), table.Reserved);
        for (int i = 0; i < table.Nodes.Length; i++)
            WriteNode(table.Nodes[i], bytes.AsSpan(offsets[i], table.Nodes[i].Length), offsets, i);
        AcpiTableCodec.Seal(bytes);
        return bytes;
    }

    private static void WriteNode(IortNode node, Span<byte> d, int[] offsets, int index)
    {
        int mappingCount = node.IdMappings.IsDefault ? 0 : node.IdMappings.Length;
        int mappingOffset = IortNode.HeaderSize + node.DataLength;
        d[IortNode.TypeOffset] = (byte)node.Type;
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(IortNode.LengthOffset), (ushort)node.Length);
        d[IortNode.RevisionOffset] = node.Revision;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(IortNode.IdentifierOffset), node.Identifier);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(IortNode.MappingCountOffset), (uint)mappingCount);
        // A node without mappings has Mapping Offset 0, as in iasl's template.
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(IortNode.MappingOffsetOffset), mappingCount == 0 ? 0u : (uint)mappingOffset);
        node.WriteData(d.Slice(IortNode.HeaderSize, node.DataLength));
        for (int m = 0; m < mappingCount; m++)
        {
            var mapping = node.IdMappings[m];
            if ((uint)mapping.OutputNodeIndex >= (uint)offsets.Length)
                throw new ArgumentException($"IORT node {index} mapping {m}: output node index {mapping.OutputNodeIndex} is not a node");
            mapping.Write(d.Slice(mappingOffset + m * IortIdMapping.Size, IortIdMapping.Size), (uint)offsets[mapping.OutputNodeIndex]);
        }
    }
}
