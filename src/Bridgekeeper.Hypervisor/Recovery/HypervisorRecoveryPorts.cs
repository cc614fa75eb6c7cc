using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The recovery coordinator's ownership and option (b) ports over the <see cref="Hypervisor"/> facade:
/// owners from its OwnershipTable (the hardware domain sees physical addresses and learns through
/// the channel only), guest addresses and virtual root ports from vPCI, quarantine and broken through
/// the assigner. StreamIDs come from the IORT translation the composition root holds.
/// </summary>
public sealed class HypervisorRecoveryPorts(Hypervisor hypervisor, Func<Sbdf, uint> streamIdOf) : IOwnerDirectory, IShadowAerNotifier
{
    private readonly Dictionary<DomainId, GuestNotificationStyle> _styles = [];

    /// <summary>Chooses option (a) or (b) for a guest; guests default to (b), the hardware domain to the channel.</summary>
    public void SetStyle(DomainId guest, GuestNotificationStyle style) => _styles[guest] = style;

    public DeviceOwner? OwnerOf(Sbdf function)
    {
        var owner = hypervisor.Owners.OwnerOf(function);
        switch (owner.Kind)
        {
            case OwnerKind.HardwareDomain:
                return new DeviceOwner(DomainId.Hardware, function, streamIdOf(function), GuestNotificationStyle.ChannelOnly);
            case OwnerKind.Guest when hypervisor.GuestViewOf(function) is { } view:
                var style = _styles.GetValueOrDefault(owner.Domain, GuestNotificationStyle.VirtualRootPort);
                var port = hypervisor.RootPortOf(function);
                return new DeviceOwner(owner.Domain, view.VirtualAddress, streamIdOf(function), style, port?.VirtualAddress);
            default:
                return null; // quarantined or broken: nobody to tell
        }
    }

    public uint StreamIdOf(Sbdf function) => streamIdOf(function);

    public void Quarantine(Sbdf function, string reason) => hypervisor.Quarantine(function, reason);

    public void MarkBroken(Sbdf function, string reason) => hypervisor.MarkBroken(function, reason);

    public void RaiseError(DomainId domain, Sbdf virtualDevice, DeviceErrorLog log)
    {
        if (hypervisor.PhysicalOf(domain, virtualDevice) is not Sbdf physical || hypervisor.RootPortOf(physical) is not { } port) return;
        port.RaiseError(log.Severity, new AerErrorSnapshot(log.UncorStatus & ~log.UncorMask, log.UncorSeverity, log.CorStatus & ~log.CorMask,
            log.FirstErrorPointer, log.HeaderLog[0], log.HeaderLog[1], log.HeaderLog[2], log.HeaderLog[3]));
    }
}
