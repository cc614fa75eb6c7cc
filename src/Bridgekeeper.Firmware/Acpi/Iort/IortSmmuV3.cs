using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// SMMUv3 node (Arm DEN 0049 §3.1.1.3, Table 15; the 52 data bytes up to the DeviceID mapping index).
/// IDs mapped into it are StreamIDs; its own ID mappings take StreamIDs on to ITS DeviceIDs. A
/// single mapping among them describes the SMMU's own MSIs and is not used for devices behind it.
/// </summary>
public sealed record IortSmmuV3(
    byte Revision,
    uint Identifier,
    ulong BaseAddress,
    uint Flags,
    uint Reserved,
    ulong VatosAddress,
    uint Model,
    uint EventGsiv,
    uint PriGsiv,
    uint GerrGsiv,
    uint SyncGsiv,
    uint ProximityDomain,
    uint DeviceIdMappingIndex,
    ImmutableArray<IortIdMapping> IdMappings) : IortNode(Revision, Identifier, IdMappings)
{
    // Arm DEN 0049 Table 15, offsets from the end of the node header
    private const int BaseAddressOffset = 0;
    private const int FlagsOffset = 8;
    private const int ReservedOffset = 12;
    private const int VatosAddressOffset = 16;
    private const int ModelOffset = 24;
    private const int EventGsivOffset = 28;
    private const int PriGsivOffset = 32;
    private const int GerrGsivOffset = 36;
    private const int SyncGsivOffset = 40;
    private const int ProximityDomainOffset = 44;
    private const int DeviceIdMappingIndexOffset = 48;
    internal const int Size = 52;

    public override IortNodeType Type => IortNodeType.SmmuV3;

    public override int DataLength => Size;

    internal static IortSmmuV3? TryRead(byte revision, uint identifier, ReadOnlySpan<byte> d, ImmutableArray<IortIdMapping> mappings)
    {
        if (d.Length != Size) return null;
        return new IortSmmuV3(revision, identifier,
            BinaryPrimitives.ReadUInt64LittleEndian(d.Slice(BaseAddressOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(FlagsOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(ReservedOffset)),
            BinaryPrimitives.ReadUInt64LittleEndian(d.Slice(VatosAddressOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(ModelOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(EventGsivOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(PriGsivOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(GerrGsivOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(SyncGsivOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(ProximityDomainOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(DeviceIdMappingIndexOffset)),
            mappings);
    }

    public override void WriteData(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(BaseAddressOffset), BaseAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(FlagsOffset), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ReservedOffset), Reserved);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(VatosAddressOffset), VatosAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ModelOffset), Model);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(EventGsivOffset), EventGsiv);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(PriGsivOffset), PriGsiv);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(GerrGsivOffset), GerrGsiv);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(SyncGsivOffset), SyncGsiv);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ProximityDomainOffset), ProximityDomain);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(DeviceIdMappingIndexOffset), DeviceIdMappingIndex);
    }

    public bool Equals(IortSmmuV3? other) =>
        base.Equals(other) && BaseAddress == other!.BaseAddress && Flags == other.Flags && Reserved == other.Reserved
        && VatosAddress == other.VatosAddress && Model == other.Model && EventGsiv == other.EventGsiv
        && PriGsiv == other.PriGsiv && GerrGsiv == other.GerrGsiv && SyncGsiv == other.SyncGsiv
        && ProximityDomain == other.ProximityDomain && DeviceIdMappingIndex == other.DeviceIdMappingIndex;

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), BaseAddress);
}
