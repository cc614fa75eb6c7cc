using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>
/// The guests and their vPCI views; the per-domain side of assignment (<see cref="IDomainViews"/>).
/// Guests are found by id with one array index, so a trapped access costs no hashing.
/// </summary>
public sealed class GuestRegistry(SerialisedConfigAccess config, IInterruptController interrupts, Func<Sbdf, uint> itsDeviceIdOf,
    Func<Sbdf, Sbdf?>? physicalFunctionOf = null, ISystemMemory? mmio = null, ulong itsDoorbell = HypervisorPorts.DefaultItsDoorbell) : IDomainViews
{
    private GuestDomain?[] _byId = new GuestDomain?[64];

    internal Action<VirtualRootPort>? OnSecondaryBusReset { get; set; }

    internal Action<GuestDevice, string>? OnMapRefused { get; set; }

    public IEnumerable<GuestDomain> All
    {
        get
        {
            foreach (var g in _byId)
                if (g is not null) yield return g;
        }
    }

    public GuestDomain? Find(DomainId id) => (uint)id.Value < (uint)_byId.Length ? _byId[id.Value] : null;

    public GuestDomain Create(DomainId id, GuestOptions options)
    {
        if (!id.IsGuest) throw new ArgumentException($"{id} is not a guest domain id", nameof(id));
        if (Find(id) is not null) throw new InvalidOperationException($"guest {id} already exists");
        if (id.Value >= _byId.Length) Array.Resize(ref _byId, Math.Max(id.Value + 1, _byId.Length * 2));
        var guest = new GuestDomain(id, options);
        _byId[id.Value] = guest;
        return guest;
    }

    internal void Remove(DomainId id) => _byId[id.Value] = null;

    public int FreeSlots(DomainId guest) => Find(guest)?.Bridge.FreeSlots ?? 0;

    public void TearDown(Owner owner, Sbdf function)
    {
        if (!owner.IsGuest || Find(owner.Domain) is not { } guest) return;
        guest.Bridge.Detach(function)?.TearDown();
    }

    public void Build(Owner owner, Sbdf function)
    {
        if (!owner.IsGuest) return;
        var guest = Find(owner.Domain) ?? throw new InvalidOperationException($"guest {owner.Domain} does not exist");
        GuestDevice Make(Sbdf virtualAddress)
        {
            var device = GuestDevice.Build(virtualAddress, function, guest.Id, config, interrupts, itsDeviceIdOf(function),
                physicalFunctionOf?.Invoke(function), mmio, itsDoorbell);
            device.OnMapRefused = OnMapRefused;
            return device;
        }
        if (guest.Options.Notification == ErrorNotification.VirtualRootPort)
        {
            guest.Bridge.AttachBehindRootPort(Make, (address, bus) => new VirtualRootPort(address, guest.Id, bus,
                guest.Options.RootPortInterruptBase + (uint)address.Device, interrupts) { OnSecondaryBusReset = OnSecondaryBusReset });
        }
        else
        {
            guest.Bridge.AttachDirect(Make);
        }
    }
}
