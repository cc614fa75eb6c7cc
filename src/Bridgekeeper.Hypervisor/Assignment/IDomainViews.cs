using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// The per-domain views of a function that assignment tears down and builds around the IOMMU switch:
/// for a guest its vPCI device (and virtual root port); the hardware domain and quarantine have none.
/// </summary>
public interface IDomainViews
{
    /// <summary>Virtual slots still free in a guest's host bridge.</summary>
    int FreeSlots(DomainId guest);

    /// <summary>Removes <paramref name="function"/> from <paramref name="owner"/>'s view (unmap BARs, LPIs; remove the virtual device).</summary>
    void TearDown(Owner owner, Sbdf function);

    /// <summary>Builds <paramref name="function"/> into <paramref name="owner"/>'s view.</summary>
    void Build(Owner owner, Sbdf function);
}
