using Bridgekeeper.Hypervisor;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// Ownership as recovery needs it, read from the hypervisor facade: a guest-owned function's owner is
/// the guest with its virtual address (and virtual root port for option (b)); a function of the
/// hardware domain is owned by d0, told through the recovery channel only.
/// </summary>
public sealed class OwnerDirectoryView(Hypervisor.Hypervisor hypervisor, Func<Sbdf, uint> streamIdOf) : IOwnerDirectory
{
    public DeviceOwner? OwnerOf(Sbdf function)
    {
        var owner = hypervisor.Owners.OwnerOf(function);
        switch (owner.Kind)
        {
            case OwnerKind.Guest:
                var guest = hypervisor.Guest(owner.Domain);
                var device = guest?.DeviceFor(function);
                if (guest is null || device is null) return null;
                var port = guest.RootPortFor(function);
                var style = guest.Options.Notification == ErrorNotification.VirtualGhes ? GuestNotificationStyle.VirtualGhes
                    : port is not null ? GuestNotificationStyle.VirtualRootPort : GuestNotificationStyle.ChannelOnly;
                return new DeviceOwner(owner.Domain, device.VirtualAddress, streamIdOf(function), style, port?.VirtualAddress);
            case OwnerKind.HardwareDomain:
                return new DeviceOwner(Bridgekeeper.Hardware.DomainId.Hardware, function, streamIdOf(function), GuestNotificationStyle.ChannelOnly);
            default:
                return null;
        }
    }

    public uint StreamIdOf(Sbdf function) => streamIdOf(function);

    public void Quarantine(Sbdf function, string reason) => hypervisor.Quarantine(function, reason);

    public void MarkBroken(Sbdf function, string reason) => hypervisor.MarkBroken(function, reason);
}
