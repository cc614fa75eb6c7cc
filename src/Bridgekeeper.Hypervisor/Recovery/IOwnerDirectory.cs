using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The ownership the recovery coordinator needs (an adapter over the OwnershipTable implements it):
/// who owns a function, its StreamID even when unowned, and the two endings for a device that failed.
/// </summary>
public interface IOwnerDirectory
{
    /// <summary>The owner, or null for a function nobody uses (or already quarantined or broken).</summary>
    DeviceOwner? OwnerOf(Sbdf function);

    /// <summary>The function's IOMMU StreamID, for blocking DMA during the reset.</summary>
    uint StreamIdOf(Sbdf function);

    /// <summary>The device goes to the quarantine domain (it may be tested and reassigned later).</summary>
    void Quarantine(Sbdf function, string reason);

    /// <summary>The device failed for good; it is never handed out again.</summary>
    void MarkBroken(Sbdf function, string reason);
}
