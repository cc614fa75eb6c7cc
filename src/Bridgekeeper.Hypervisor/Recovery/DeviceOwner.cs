using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Who uses a physical function: the domain, the function's address in that domain, the virtual
/// root port above it (option (b)), its IOMMU StreamID, and how the owner is told of errors.
/// </summary>
public sealed record DeviceOwner(
    DomainId Domain,
    Sbdf VirtualDevice,
    uint StreamId,
    GuestNotificationStyle Style,
    Sbdf? VirtualRootPort = null);
