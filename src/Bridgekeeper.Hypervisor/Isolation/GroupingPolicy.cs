namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>How isolation groups are computed.</summary>
public enum GroupingPolicy
{
    /// <summary>Exactly Linux's <c>pci_device_group()</c> (drivers/iommu/iommu.c) with its ACS and DMA-alias quirks, probing in scan order.</summary>
    Linux,
    /// <summary>
    /// The bus-isolation model of the 2025 redesign ("iommu: Compute iommu_groups properly for PCIe switches"):
    /// a bus is isolated only if every port that can route onto it enforces ACS, so no group can be bypassed by peer-to-peer.
    /// </summary>
    Strict,
}
