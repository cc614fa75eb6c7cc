using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// Reads an IORT (Arm DEN 0049). Nodes are walked from the node array offset by each node's Length,
/// Node Count times. A node that runs past the table, is shorter than its header, or a mapping array
/// outside its node, stops or skips with a warning; a mapping whose output reference is not the offset
/// of a node gets OutputNodeIndex -1 and a warning.
/// </summary>
public static class IortReader
{
    public static AcpiReadResult<IortTable> Read(ReadOnlySpan<byte> input, string source)
    {
        var warnings = new List<AcpiWarning>();
        var table = AcpiTableCodec.ReadHeader(input, source, IortTable.Signature, out var header, out var frame, warnings);
        if (table.Length < IortTable.FirstNodeOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TableTooShort, table.Length,
                $"table ends at {table.Length} byte(s), before the node count, node offset and reserved fields end"));
            return new AcpiReadResult<IortTable>(new IortTable(header, 0, []), frame, warnings.ToImmutableArray());
        }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(IortTable.NodeCountOffset));
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(IortTable.NodeArrayOffsetOffset));
        uint reserved = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(IortTable.ReservedOffset));

        // Pass 1: node boundaries, so that output references can become node indices.
        var starts = new List<int>();
        long at = first;
        if (first < IortTable.FirstNodeOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.BadReference, IortTable.NodeArrayOffsetOffset,
                $"node array offset 0x{first:X} points into the table header"));
        }
        else
        {
            for (uint i = 0; i < count; i++)
            {
                if (at + IortNode.HeaderSize > table.Length)
                {
                    warnings.Add(new AcpiWarning(AcpiWarningKind.TruncatedSubtable, at,
                        $"node {i} of {count}: the 16-byte node header does not fit in the table"));
                    break;
                }
                int length = BinaryPrimitives.ReadUInt16LittleEndian(table.Slice((int)at + IortNode.LengthOffset));
                if (length < IortNode.HeaderSize || at + length > table.Length)
                {
                    warnings.Add(new AcpiWarning(AcpiWarningKind.TruncatedSubtable, at,
                        $"node {i} of {count}: length {length} is shorter than its header or runs past the table end"));
                    break;
                }
                starts.Add((int)at);
                at += length;
            }
        }
        if (starts.Count == count && at < table.Length && first >= IortTable.FirstNodeOffset)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TrailingBytes, at,
                $"{table.Length - at} byte(s) after the last of {count} node(s)"));
        }

        var nodes = ImmutableArray.CreateBuilder<IortNode>(starts.Count);
        foreach (int start in starts)
            nodes.Add(ReadNode(table, start, starts, warnings));
        return new AcpiReadResult<IortTable>(new IortTable(header, reserved, nodes.MoveToImmutable()), frame, warnings.ToImmutableArray());
    }

    private static IortNode ReadNode(ReadOnlySpan<byte> table, int start, List<int> starts, List<AcpiWarning> warnings)
    {
        var type = (IortNodeType)table[start + IortNode.TypeOffset];
        int length = BinaryPrimitives.ReadUInt16LittleEndian(table.Slice(start + IortNode.LengthOffset));
        var node = table.Slice(start, length);
        byte revision = node[IortNode.RevisionOffset];
        uint identifier = BinaryPrimitives.ReadUInt32LittleEndian(node.Slice(IortNode.IdentifierOffset));
        uint mappingCount = BinaryPrimitives.ReadUInt32LittleEndian(node.Slice(IortNode.MappingCountOffset));
        uint mappingOffset = BinaryPrimitives.ReadUInt32LittleEndian(node.Slice(IortNode.MappingOffsetOffset));

        int dataEnd = length;
        var mappings = ImmutableArray<IortIdMapping>.Empty;
        if (mappingCount > 0)
        {
            if (mappingOffset < IortNode.HeaderSize || mappingOffset + (ulong)mappingCount * IortIdMapping.Size > (ulong)length)
            {
                warnings.Add(new AcpiWarning(AcpiWarningKind.BadReference, start + IortNode.MappingOffsetOffset,
                    $"{type} node: {mappingCount} ID mapping(s) at node offset 0x{mappingOffset:X} do not fit in its {length} byte(s); mappings ignored"));
            }
            else
            {
                dataEnd = (int)mappingOffset;
                var builder = ImmutableArray.CreateBuilder<IortIdMapping>((int)mappingCount);
                for (int i = 0; i < (int)mappingCount; i++)
                {
                    int m = (int)mappingOffset + i * IortIdMapping.Size;
                    var bytes = node.Slice(m, IortIdMapping.Size);
                    uint reference = IortIdMapping.ReadOutputReference(bytes);
                    int target = starts.BinarySearch((int)Math.Min(reference, int.MaxValue));
                    if (target < 0)
                    {
                        warnings.Add(new AcpiWarning(AcpiWarningKind.BadReference, start + m + 12,
                            $"ID mapping {i} of the {type} node refers to offset 0x{reference:X}, where no node starts"));
                        target = -1;
                    }
                    builder.Add(IortIdMapping.Read(bytes, target));
                }
                mappings = builder.MoveToImmutable();
            }
        }
        if (dataEnd != length && mappingOffset + (ulong)mappingCount * IortIdMapping.Size != (ulong)length)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TrailingBytes, start + (int)mappingOffset,
                $"{type} node: bytes after its ID mappings are not kept"));
        }

        var data = node.Slice(IortNode.HeaderSize, Math.Max(0, dataEnd - IortNode.HeaderSize));
        IortNode? typed = type switch
        {
            IortNodeType.ItsGroup when mappings.IsEmpty => IortItsGroup.TryRead(revision, identifier, data),
            IortNodeType.RootComplex => IortRootComplex.TryRead(revision, identifier, data, mappings),
            IortNodeType.SmmuV3 => IortSmmuV3.TryRead(revision, identifier, data, mappings),
            _ => null,
        };
        return typed ?? new IortOtherNode(type, revision, identifier, ImmutableArray.Create(data), mappings);
    }
}
