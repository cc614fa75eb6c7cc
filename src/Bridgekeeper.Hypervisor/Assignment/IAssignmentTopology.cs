using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// What assignment needs to know about the physical tree: which functions exist, the isolation group
/// of each (the minimum assignment unit, with its reason), and the phantom functions that follow a
/// primary. The topology registry and isolation-group builder provide it; tests use a small fake.
/// </summary>
public interface IAssignmentTopology
{
    bool Contains(Sbdf function);

    /// <summary>The isolation group of <paramref name="function"/>, or null when it has none.</summary>
    AssignableGroup? GroupOf(Sbdf function);

    /// <summary>The Requester IDs a primary function's phantom functions use (PCIe Base 6.0 §2.2.6.2), as SBDFs; empty when none.</summary>
    IReadOnlyList<Sbdf> PhantomFunctionsOf(Sbdf function);

    /// <summary>
    /// Other Requester IDs the function's DMA may carry (bridge aliases and DMA-alias quirks, Linux's
    /// <c>pci_for_each_dma_alias</c>), as SBDFs; the IOMMU is programmed for each. Empty by default.
    /// </summary>
    IReadOnlyList<Sbdf> DmaAliasesOf(Sbdf function) => [];

    /// <summary>The physical function of an SR-IOV virtual function, or null (not a VF, or unknown).</summary>
    Sbdf? PhysicalFunctionOf(Sbdf function) => null;
}
