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
    Func<Sbdf, Sbdf?>? physicalFunctionOf = null, ISystemMemory? mmio = null, ulong itsDoorbell = HypervisorPorts.DefaultItsDoorbell,
    Func<Sbdf, IReadOnlyList<Sbdf>>? dmaAliasesOf = null) : IDomainViews
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
        if (guest.Bridge.Detach(function) is not { } device) return;
        device.TearDown();
        if (!device.SharesItsDeviceId) return;
        // The DeviceID is a bridge alias other functions may use: unmap it, then map theirs back.
        interrupts.UnmapDevice(device.ItsDeviceId);
        foreach (var other in All)
            foreach (var d in other.Devices)
                if (d.ItsDeviceId == device.ItsDeviceId) d.MapEvents();
    }

    /// <summary>
    /// The Requester ID a function's MSIs carry to the ITS: the last of its DMA aliases, as Linux's
    /// <c>pci_msi_domain_get_msi_rid</c> takes the last ID <c>pci_for_each_dma_alias</c> visits (behind a
    /// PCIe-to-PCI bridge, the bridge's alias); the function's own when it has none.
    /// </summary>
    private Sbdf MsiRequesterOf(Sbdf function) =>
        dmaAliasesOf?.Invoke(function) is { Count: > 0 } aliases ? aliases[^1] : function;

    public void Build(Owner owner, Sbdf function)
    {
        if (!owner.IsGuest) return;
        var guest = Find(owner.Domain) ?? throw new InvalidOperationException($"guest {owner.Domain} does not exist");
        GuestDevice Make(Sbdf virtualAddress)
        {
            var msiRequester = MsiRequesterOf(function);
            bool shared = msiRequester != function;
            var device = GuestDevice.Build(virtualAddress, function, guest.Id, config, interrupts, itsDeviceIdOf(msiRequester),
                physicalFunctionOf?.Invoke(function), mmio, itsDoorbell, shared ? (uint)function.DevFn << 8 : 0, shared);
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
