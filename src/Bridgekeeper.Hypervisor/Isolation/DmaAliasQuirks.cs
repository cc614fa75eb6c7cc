using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// Devices that issue DMA with another requester ID than their own, after Linux's DMA-alias quirks
/// (drivers/pci/quirks.c <c>quirk_dma_func0_alias</c>, <c>quirk_dma_func1_alias</c>,
/// <c>quirk_fixed_dma_alias</c>, <c>quirk_use_pcie_bridge_dma_alias</c>, <c>quirk_bridge_cavm_thrx2_pcie_root</c>
/// is not modelled) as data.
/// </summary>
public static class DmaAliasQuirks
{
    // Ricoh card readers: DMA as function 0 of the slot.
    private static readonly HashSet<(ushort, ushort)> Function0 = [(0x1180, 0xe832), (0x1180, 0xe476)];

    // Marvell 88SE9xxx SATA, TTI RocketRAID, JMicron JMB388: DMA as function 1 of the slot.
    private static readonly HashSet<(ushort, ushort)> Function1 =
    [
        (0x1b4b, 0x9120), (0x1b4b, 0x9123), (0x1b4b, 0x9125), (0x1b4b, 0x9128), (0x1b4b, 0x9130), (0x1b4b, 0x9170),
        (0x1b4b, 0x9172), (0x1b4b, 0x917a), (0x1b4b, 0x9182), (0x1b4b, 0x9183), (0x1b4b, 0x91a0), (0x1b4b, 0x9220),
        (0x1b4b, 0x9230), (0x1103, 0x0642), (0x1103, 0x0645), (0x197b, 0x2394),
    ];

    // PCIe-to-PCI bridges without a PCI Express capability (ASMedia 1080, Tundra 8113, ITE 8892/8893,
    // Intel 82801 DMI-to-PCI 244e): behind a PCIe port they alias to (secondary bus, 00.0).
    private static readonly HashSet<(ushort, ushort)> PcieBridgeAlias =
    [
        (0x1b21, 0x1080), (0x10e3, 0x8113), (0x1283, 0x8892), (0x1283, 0x8893), (0x8086, 0x244e),
    ];

    // Vendors that appear in any same-bus alias quirk: almost every function's vendor is in none, and one
    // array read answers that without hashing (HasAliases runs for each of a segment's 65,536 functions).
    private static readonly bool[] AliasVendors = VendorsOf([.. Function0, .. Function1, (0x9005, 0x0285)]);

    private static bool[] VendorsOf(IEnumerable<(ushort Vendor, ushort Device)> ids)
    {
        var vendors = new bool[ushort.MaxValue + 1];
        foreach (var (vendor, _) in ids) vendors[vendor] = true;
        return vendors;
    }

    /// <summary>DevFns on the function's own bus that it also uses for DMA (Linux's <c>dma_alias_mask</c>), phantom functions included.</summary>
    public static IEnumerable<byte> AliasDevFns(TopologyNode node)
    {
        var id = (node.Facts.VendorId, node.Facts.DeviceId);
        if (Function0.Contains(id)) yield return (byte)(node.Address.Device << 3);
        if (Function1.Contains(id)) yield return (byte)(node.Address.Device << 3 | 1);
        // Adaptec 3405/3805 (9005:0285 with subsystem 9005:02bb or 02bc) use 01.0.
        if (id == (0x9005, 0x0285) && node.Config.Size >= 0x30)
        {
            var c = node.Config.Bytes;
            if (ConfigBytes.U16(c, ConfigHeader.SubsystemVendorId) == 0x9005 && ConfigBytes.U16(c, ConfigHeader.SubsystemId) is 0x02bb or 0x02bc)
                yield return 1 << 3;
        }
    }

    /// <summary>True when the function has any same-bus DMA alias (allocation-free; checked for every function).</summary>
    public static bool HasAliases(TopologyNode node)
    {
        var id = (node.Facts.VendorId, node.Facts.DeviceId);
        if (!AliasVendors[id.VendorId]) return false;
        return Function0.Contains(id) || Function1.Contains(id) || id == (0x9005, 0x0285);
    }

    /// <summary>Linux's <c>PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS</c>: a conventional bridge below a PCIe port that is not itself a PCIe-to-PCI bridge.</summary>
    public static bool UsesPcieBridgeAlias(TopologyNode bridge, TopologyNode? upstream) =>
        PcieBridgeAlias.Contains((bridge.Facts.VendorId, bridge.Facts.DeviceId)) && upstream is not null
        && bridge.Facts.HeaderType == 1 && !bridge.IsPcie && upstream.IsPcie && upstream.PortType != PciePortType.PcieToPciBridge;

    /// <summary>Linux's <c>PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS</c>: the ASPEED AST1150 forwards requester IDs unchanged.</summary>
    public static bool ForwardsRequesterIds(TopologyNode bridge) => bridge.Facts.VendorId == 0x1a03 && bridge.Facts.DeviceId == 0x1150;
}
