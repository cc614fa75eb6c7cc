using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// ITS group node (Arm DEN 0049 §3.1.1.1, Table 12): GIC ITS identifiers (as in MADT GIC ITS entries).
/// IDs mapped into it are ITS DeviceIDs.
/// </summary>
public sealed record IortItsGroup(byte Revision, uint Identifier, ImmutableArray<uint> ItsIdentifiers)
    : IortNode(Revision, Identifier, ImmutableArray<IortIdMapping>.Empty)
{
    public override IortNodeType Type => IortNodeType.ItsGroup;

    public override int DataLength => 4 + 4 * (ItsIdentifiers.IsDefault ? 0 : ItsIdentifiers.Length);

    internal static IortItsGroup? TryRead(byte revision, uint identifier, ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) return null;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if ((ulong)data.Length != 4 + 4UL * count) return null;
        var ids = ImmutableArray.CreateBuilder<uint>((int)count);
        for (int i = 0; i < (int)count; i++) ids.Add(BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4 + 4 * i)));
        return new IortItsGroup(revision, identifier, ids.MoveToImmutable());
    }

    public override void WriteData(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)ItsIdentifiers.Length);
        for (int i = 0; i < ItsIdentifiers.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(4 + 4 * i), ItsIdentifiers[i]);
    }

    public bool Equals(IortItsGroup? other) =>
        base.Equals(other) && ImmutableArrayEquality.Equal(ItsIdentifiers, other!.ItsIdentifiers);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ImmutableArrayEquality.Hash(ItsIdentifiers));
}
