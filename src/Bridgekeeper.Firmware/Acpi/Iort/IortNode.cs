using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// An IORT node (Arm DEN 0049 §3.3, Table 3): a 16-byte header (type, length, revision, identifier,
/// mapping count and offset), node-specific data, then the ID mapping array. Length and the mapping
/// offset are derived on write: data follows the header, mappings follow the data.
/// </summary>
public abstract record IortNode(byte Revision, uint Identifier, ImmutableArray<IortIdMapping> IdMappings)
{
    // Arm DEN 0049 Table 3
    internal const int TypeOffset = 0;
    internal const int LengthOffset = 1;
    internal const int RevisionOffset = 3;
    internal const int IdentifierOffset = 4;
    internal const int MappingCountOffset = 8;
    internal const int MappingOffsetOffset = 12;
    internal const int HeaderSize = 16;

    public abstract IortNodeType Type { get; }

    /// <summary>Bytes of node-specific data between the header and the ID mappings.</summary>
    public abstract int DataLength { get; }

    public int Length => HeaderSize + DataLength + (IdMappings.IsDefault ? 0 : IdMappings.Length) * IortIdMapping.Size;

    public abstract void WriteData(Span<byte> destination);

    public virtual bool Equals(IortNode? other) =>
        other is not null && EqualityContract == other.EqualityContract && Revision == other.Revision
        && Identifier == other.Identifier && ImmutableArrayEquality.Equal(IdMappings, other.IdMappings);

    public override int GetHashCode() => HashCode.Combine(Type, Revision, Identifier, ImmutableArrayEquality.Hash(IdMappings));
}
