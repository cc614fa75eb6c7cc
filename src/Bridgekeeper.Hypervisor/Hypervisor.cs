using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Resets;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>
/// The passthrough manager's front door. Domains call it through <see cref="IHypervisorEntry"/>: a
/// guest's config access goes to its vPCI handler table (through its virtual host bridge), the hardware
/// domain's goes to physical config space, checked and serialised with the core's own sequences. The
/// toolstack side creates guests, assigns and deassigns whole isolation groups, and recovery uses the
/// config lock, <see cref="Quarantine"/>, <see cref="MarkBroken"/> and the virtual root ports.
/// </summary>
public sealed class Hypervisor : IHypervisorEntry
{
    private readonly HypervisorPorts _ports;
    private readonly GuestRegistry _guests;
    private readonly HardwareDomainPassThrough _hardwareDomain;
    private readonly DeviceAssigner _assigner;

    /// <summary>
    /// The composed hypervisor: a <see cref="TopologyRegistry"/> over the serialised config path takes
    /// the hardware domain's reports (<see cref="Physdev"/>), and assignment uses its isolation groups
    /// under <paramref name="policy"/>.
    /// </summary>
    public Hypervisor(HypervisorPorts ports, GroupingPolicy policy)
        : this(ports, registry: null, topology: null, policy)
    {
    }

    /// <summary>A hypervisor over a given assignment topology (tests, or a caller that builds groups itself).</summary>
    public Hypervisor(HypervisorPorts ports, IAssignmentTopology topology)
        : this(ports, registry: null, topology, GroupingPolicy.Linux)
    {
    }

    private Hypervisor(HypervisorPorts ports, TopologyRegistry? registry, IAssignmentTopology? topology, GroupingPolicy policy)
    {
        _ports = ports;
        Config = new SerialisedConfigAccess(ports.Config);
        if (topology is null)
        {
            registry ??= new TopologyRegistry(Config, ports.Events, ports.Clock);
            topology = new TopologyAssignmentView(registry, policy);
        }
        Registry = registry;
        Topology = topology;
        _guests = new GuestRegistry(Config, ports.Interrupts, ports.ItsDeviceIdOf, topology.PhysicalFunctionOf, ports.Mmio, ports.ItsDoorbell,
            topology.DmaAliasesOf)
        {
            OnSecondaryBusReset = GuestSecondaryBusReset,
            OnMapRefused = (device, why) => Emit(HypervisorEventKinds.BarMapRefused, device.Physical, device.Domain,
                $"{device.Domain} enabled decode on {device.VirtualAddress} ({device.Physical}) but {why}; decode stays off"),
        };
        _hardwareDomain = new HardwareDomainPassThrough(Config, new IsolationWriteGuard(Owners))
        {
            OnRefused = (f, offset, size, value, why) => Emit(HypervisorEventKinds.HardwareDomainWriteRefused, f, DomainId.Hardware,
                $"hardware domain write of 0x{value:X} ({size} bytes at 0x{offset:X3}) to {f} refused: {why}",
                new("offset", offset), new("size", size), new("value", value), new("reason", why)),
        };
        _assigner = new DeviceAssigner(Owners, topology, _guests, Config, ports.Iommu, ports.Interrupts,
            ports.StreamIdOf, ports.ItsDeviceIdOf, ports.Events, ports.Clock, ports.IdMappingProblemOf);
    }

    /// <summary>The serialised physical config path (every access and sequence takes the one config lock).</summary>
    public SerialisedConfigAccess Config { get; }

    public OwnershipTable Owners { get; } = new();

    /// <summary>The physical tree, isolation groups and phantom functions as assignment sees them.</summary>
    public IAssignmentTopology Topology { get; }

    /// <summary>The topology registry, when this hypervisor composed one.</summary>
    public TopologyRegistry? Registry { get; }

    /// <summary>The hardware domain's reports go here: the composed topology registry, else the one the ports name.</summary>
    public IPhysdevOps? Physdev => Registry ?? _ports.Physdev;

    /// <summary>The isolation groups of the current tree under the assignment policy (composed hypervisor only).</summary>
    public IsolationGroups? Groups => Registry is not null && Topology is TopologyAssignmentView view ? Registry.Groups(view.Policy) : null;

    /// <summary>For each function, what each reset method touches and who owns each touched function (composed hypervisor only).</summary>
    public ImmutableArray<FunctionResetScope<Owner>> ResetScopes() =>
        Registry is null ? [] : ResetScopeBuilder.Build(Registry.Topology, Owners.OwnerOf);

    public IEventSink Events => _ports.Events;

    /// <summary>Recovery's callbacks; unset, a guest's SBR request is only recorded.</summary>
    public IRecoveryHooks? RecoveryHooks { get; set; }

    /// <summary>Hardware-domain writes refused so far for breaking a guest's isolation.</summary>
    public long RefusedHardwareDomainWrites => _hardwareDomain.RefusedWrites;

    public DeassignTarget DefaultDeassignTarget
    {
        get => _assigner.DefaultDeassignTarget;
        set => _assigner.DefaultDeassignTarget = value;
    }

    public IEnumerable<GuestDomain> Guests => _guests.All;

    public GuestDomain? Guest(DomainId id) => _guests.Find(id);

    public GuestDomain CreateGuest(DomainId id, GuestOptions? options = null)
    {
        var guest = _guests.Create(id, options ?? new GuestOptions());
        Emit(HypervisorEventKinds.GuestCreated, null, id, $"guest {id} created (error notification: {guest.Options.Notification})");
        return guest;
    }

    /// <summary>Destroys a guest after deassigning everything it owns (Xen's <c>pci_release_devices</c>).</summary>
    public void DestroyGuest(DomainId id, DeassignTarget? to = null)
    {
        var owned = Owners.OwnedBy(id);
        if (owned.Count > 0)
        {
            var result = _assigner.Deassign(id, owned, to);
            if (!result.Accepted) throw new InvalidOperationException($"cannot release the devices of {id}: {result}");
        }
        _guests.Remove(id);
        Emit(HypervisorEventKinds.GuestDestroyed, null, id, $"guest {id} destroyed");
    }

    public AssignmentResult Assign(DomainId guest, IReadOnlyCollection<Sbdf> functions) =>
        _guests.Find(guest) is null ? AssignmentResult.Refused("ESRCH", $"no guest {guest}") : _assigner.Assign(guest, functions);

    public AssignmentResult TestAssign(DomainId guest, IReadOnlyCollection<Sbdf> functions) =>
        _guests.Find(guest) is null ? AssignmentResult.Refused("ESRCH", $"no guest {guest}") : _assigner.TestAssign(guest, functions);

    public AssignmentResult Deassign(DomainId guest, IReadOnlyCollection<Sbdf> functions, DeassignTarget? to = null) =>
        _assigner.Deassign(guest, functions, to);

    /// <summary>Blocks a function's DMA and takes it from its owner (the guest loses its view). Returns the previous owner.</summary>
    public Owner Quarantine(Sbdf function, string reason) => _assigner.Quarantine(function, reason);

    /// <summary>Marks a function broken: DMA blocked, never given to a guest. Returns the previous owner.</summary>
    public Owner MarkBroken(Sbdf function, string reason) => _assigner.MarkBroken(function, reason);

    public AssignmentResult ReturnToHardwareDomain(Sbdf function) => _assigner.ReturnToHardwareDomain(function);

    /// <summary>Runs a multi-access physical sequence (BAR sizing, SBR assert/deassert, save/restore) under the config lock.</summary>
    public T WithConfigLock<T>(Func<IConfigAccess, T> sequence) => Config.WithConfigLock(sequence);

    public void WithConfigLock(Action<IConfigAccess> sequence) => Config.WithConfigLock(sequence);

    /// <summary>The guest view of a physical function, or null when no guest owns it.</summary>
    public GuestDevice? GuestViewOf(Sbdf physical) =>
        Owners.OwnerOf(physical) is { IsGuest: true } o ? _guests.Find(o.Domain)?.DeviceFor(physical) : null;

    /// <summary>The virtual root port above a physical function's guest view (option (b)), or null.</summary>
    public VirtualRootPort? RootPortOf(Sbdf physical) =>
        GuestViewOf(physical) is { } d ? _guests.Find(d.Domain)?.Bridge.RootPortAbove(d) : null;

    /// <summary>The physical function behind a guest's virtual address, or null.</summary>
    public Sbdf? PhysicalOf(DomainId guest, Sbdf virtualAddress) =>
        _guests.Find(guest)?.Bridge.FunctionAt(virtualAddress) is GuestDevice d ? d.Physical : null;

    public uint ConfigRead(DomainId domain, Sbdf device, int offset, int size)
    {
        if (domain.IsHardwareDomain) return _hardwareDomain.Read(device, offset, size);
        var guest = _guests.Find(domain);
        if (guest is null) return size >= 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;
        return (uint)guest.Bridge.Read(device, offset, size);
    }

    public void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value)
    {
        if (domain.IsHardwareDomain)
        {
            _hardwareDomain.Write(device, offset, size, value);
            return;
        }
        _guests.Find(domain)?.Bridge.Write(device, offset, size, value);
    }

    /// <summary>An 8-byte guest access (Arm ECAM allows it; split into two dwords as Xen's <c>vpci_ecam_read</c>).</summary>
    public ulong ConfigRead64(DomainId domain, Sbdf device, int offset)
    {
        if (domain.IsHardwareDomain)
            return offset % 8 != 0 ? ulong.MaxValue : _hardwareDomain.Read(device, offset, 4) | ((ulong)_hardwareDomain.Read(device, offset + 4, 4) << 32);
        return _guests.Find(domain)?.Bridge.Read(device, offset, 8) ?? ulong.MaxValue;
    }

    public void ConfigWrite64(DomainId domain, Sbdf device, int offset, ulong value)
    {
        if (domain.IsHardwareDomain)
        {
            if (offset % 8 != 0) return;
            _hardwareDomain.Write(device, offset, 4, (uint)value);
            _hardwareDomain.Write(device, offset + 4, 4, (uint)(value >> 32));
            return;
        }
        _guests.Find(domain)?.Bridge.Write(device, offset, 8, value);
    }

    /// <summary>
    /// Re-programs a guest-owned function's physical MSI and MSI-X state (capability registers, MSI-X
    /// table, ITS mappings) from its guest's view: recovery calls this in its restore sequence, after
    /// the reset and the config restore, before the guest is told the device is back. False when no
    /// guest owns the function (the hardware domain restores its own MSIs).
    /// </summary>
    public bool RestoreInterruptState(Sbdf physical)
    {
        if (GuestViewOf(physical) is not { } view) return false;
        view.RestoreInterruptState();
        return true;
    }

    /// <summary>
    /// A guest's access to a trapped page of one of its BARs (the MSI-X table and PBA pages are carved
    /// out of its stage-2 mapping). Null when no device of the guest traps <paramref name="guestAddress"/>:
    /// the access was not emulated (a real stage-2 fault).
    /// </summary>
    public ulong? GuestMmioRead(DomainId domain, ulong guestAddress, int size)
    {
        if (_guests.Find(domain) is not { } guest) return null;
        foreach (var device in guest.Devices)
            if (device.MmioRead(guestAddress, size) is ulong value) return value;
        return null;
    }

    /// <summary>A guest's write to a trapped BAR page; false when nothing traps <paramref name="guestAddress"/>.</summary>
    public bool GuestMmioWrite(DomainId domain, ulong guestAddress, int size, ulong value)
    {
        if (_guests.Find(domain) is not { } guest) return false;
        foreach (var device in guest.Devices)
            if (device.MmioWrite(guestAddress, size, value)) return true;
        return false;
    }

    public void Reply(DomainId domain, long requestId, RecoveryVote vote) => RecoveryHooks?.OnGuestReply(domain, requestId, vote);

    public void Quiesced(DomainId domain, Sbdf virtualDevice) => RecoveryHooks?.OnGuestQuiesced(domain, virtualDevice);

    private void GuestSecondaryBusReset(VirtualRootPort port)
    {
        var device = port.Device;
        Emit(HypervisorEventKinds.GuestSecondaryBusReset, device?.Physical, port.Domain,
            $"{port.Domain} set Secondary Bus Reset on virtual root port {port.VirtualAddress}"
            + (device is null ? "" : $" above {device.VirtualAddress} ({device.Physical})") + "; trapped, not forwarded");
        if (device is not null) RecoveryHooks?.OnGuestRequestedSecondaryBusReset(port.Domain, device.VirtualAddress);
    }

    private void Emit(string kind, Sbdf? device, DomainId? domain, string text, params KeyValuePair<string, object?>[] details) =>
        _ports.Events.Emit(TimelineEvent.Of(_ports.Clock.Now, kind, device, domain, text, details));
}
