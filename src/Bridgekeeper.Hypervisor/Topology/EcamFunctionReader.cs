using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// Reads, through the hypervisor's own ECAM access, the registers the topology uses: the first 256 bytes
/// (header and standard capabilities) and, for a PCIe function, the extended capability headers plus the
/// ACS, ARI and SR-IOV structures (PCIe Base 6.0 §7.6, §7.7.11, §7.8.7, §9.3.3). Everything else in the
/// copy reads as zero; the copy's attributes are all read-only, since nothing writes through it.
/// </summary>
public static class EcamFunctionReader
{
    private static readonly ConfigAttributes ReadOnlyConventional = new ConfigAttributes(ConfigSpace.ConventionalSize).Freeze();
    private static readonly ConfigAttributes ReadOnlyExtended = new ConfigAttributes(ConfigSpace.ExtendedSize).Freeze();

    /// <summary>The function's Vendor ID (all ones when nothing answers; a VF's always reads so).</summary>
    public static ushort VendorId(IConfigAccess ecam, Sbdf function) => (ushort)ecam.Read(function, ConfigHeader.VendorId, 2);

    public static ConfigSpace Read(IConfigAccess ecam, Sbdf function)
    {
        // Read the header into a conventional-sized array first: a conventional function then needs no
        // 4 KiB buffer at all, and the space adopts the array (rebuilds read every function again).
        var conventional = new byte[ConfigSpace.ConventionalSize];
        ecam.ReadBlock(function, 0, conventional);
        bool pcie = CapabilityList.FindStandard(conventional, CapabilityId.PciExpress) is not null;
        if (!pcie) return ConfigSpace.Adopt(conventional, ReadOnlyConventional);
        var bytes = new byte[ConfigSpace.ExtendedSize];
        conventional.CopyTo(bytes, 0);
        int where = CapabilityList.ExtendedListStart;
        for (int ttl = CapabilityList.MaxExtendedEntries; ttl > 0 && where >= CapabilityList.ExtendedListStart && where <= ConfigSpace.ExtendedSize - 4; ttl--)
        {
            uint header = ecam.Read(function, where, 4);
            Put(bytes, where, header);
            if (header == 0 || header == 0xFFFF_FFFF) break;
            int length = (ExtendedCapabilityId)(ushort)header switch
            {
                ExtendedCapabilityId.AccessControlServices => 8,
                ExtendedCapabilityId.AlternativeRoutingId => 8,
                ExtendedCapabilityId.SingleRootIov => SriovCapability.Length,
                _ => 4,
            };
            // The structure's body after its header, cut at the end of config space.
            int body = Math.Min(length - 4, ConfigSpace.ExtendedSize - 4 - where);
            if (body > 0) ecam.ReadBlock(function, where + 4, bytes.AsSpan(where + 4, body));
            where = (int)(header >> 20) & ~3;
        }
        return ConfigSpace.Adopt(bytes, ReadOnlyExtended);
    }

    private static void Put(byte[] bytes, int offset, uint value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
}
