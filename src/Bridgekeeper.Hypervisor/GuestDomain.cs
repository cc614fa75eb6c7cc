using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>A guest as the passthrough core knows it: its id, options, and virtual host bridge.</summary>
public sealed class GuestDomain(DomainId id, GuestOptions options)
{
    public DomainId Id { get; } = id;

    public GuestOptions Options { get; } = options;

    public VirtualHostBridge Bridge { get; } = new(id);

    public IEnumerable<GuestDevice> Devices => Bridge.Devices;

    /// <summary>The guest's view of a physical function it owns, or null.</summary>
    public GuestDevice? DeviceFor(Sbdf physical) => Bridge.DeviceFor(physical);

    /// <summary>The virtual root port above a physical function's view (option (b)), or null.</summary>
    public VirtualRootPort? RootPortFor(Sbdf physical) => DeviceFor(physical) is { } d ? Bridge.RootPortAbove(d) : null;
}
