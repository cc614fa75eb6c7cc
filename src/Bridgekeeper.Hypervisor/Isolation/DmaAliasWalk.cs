using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// The Requester IDs a function's DMA may arrive with besides its own, after Linux's
/// <c>pci_for_each_dma_alias()</c> (drivers/pci/search.c): its same-bus DMA-alias quirks, then, walking up
/// the bridges above it, every ID a bridge substitutes. A PCIe-to-PCI/PCI-X bridge takes ownership of
/// transactions from its conventional side with (secondary bus, device 0, function 0) (PCI Express to
/// PCI/PCI-X Bridge Specification 1.0 §2.3; Linux assumes PCI-X mode is possible); a PCI-to-PCIe bridge and
/// a conventional bridge use their own ID (a conventional bridge behind a PCIe port with the
/// <c>PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS</c> quirk uses (secondary bus, 00.0)); root and switch ports forward IDs
/// unchanged. The IOMMU must translate every one of these IDs for the function's owner, or its DMA faults
/// (or, worse, reaches the bridge's owner).
/// </summary>
public static class DmaAliasWalk
{
    /// <summary>The alias Requester IDs of <paramref name="function"/> (not its own; phantom functions not included), without repeats, nearest first.</summary>
    public static IReadOnlyList<Sbdf> AliasesOf(PciTopology topology, Sbdf function)
    {
        if (!topology.TryGet(function, out var node)) return [];
        var aliases = new List<Sbdf>();
        void Add(Sbdf alias)
        {
            if (alias != function && !aliases.Contains(alias)) aliases.Add(alias);
        }
        foreach (byte devfn in DmaAliasQuirks.AliasDevFns(node))
            Add(new Sbdf(function.Segment, function.Bus, devfn >> 3, devfn & 7));
        for (var bridge = topology.Upstream(node); bridge is not null; bridge = topology.Upstream(bridge))
        {
            if (bridge.IsPcie)
            {
                switch (bridge.PortType)
                {
                    case PciePortType.PcieToPciBridge:
                        if (!DmaAliasQuirks.ForwardsRequesterIds(bridge))
                            Add(new Sbdf(function.Segment, bridge.Facts.SecondaryBus, 0, 0));
                        break;
                    case PciePortType.PciToPcieBridge:
                        Add(bridge.Address);
                        break;
                }
                continue;
            }
            Add(DmaAliasQuirks.UsesPcieBridgeAlias(bridge, topology.Upstream(bridge))
                ? new Sbdf(function.Segment, bridge.Facts.SecondaryBus, 0, 0)
                : bridge.Address);
        }
        return aliases;
    }
}
