using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// Moves functions between owners, whole isolation groups at a time (Xen's assign/deassign/test-assign
/// domctls, xen-passthrough.md §13, with the group rule Xen lacks). For every function it changes, in
/// this order: the old owner's view is torn down (vPCI device, BAR and LPI mappings), the function is
/// quiesced (decode and Bus Master off), the IOMMU contexts of its StreamID and of every phantom
/// function's StreamID and of every DMA alias (the IDs bridges above it substitute, Linux's
/// <c>pci_for_each_dma_alias</c>) switch, and only then is the new owner's view built. A function whose
/// Requester ID, phantom IDs or aliases the firmware maps to no StreamID or ITS DeviceID is refused:
/// the core never guesses an ID. Bridges (Type 1) in a
/// group stay with the hardware domain, as VFIO leaves them on their port driver; a guest never owns
/// a function whose Bridge Control could reset others.
/// </summary>
public sealed class DeviceAssigner(
    OwnershipTable owners,
    IAssignmentTopology topology,
    IDomainViews views,
    SerialisedConfigAccess config,
    IIommu iommu,
    IInterruptController interrupts,
    Func<Sbdf, uint> streamIdOf,
    Func<Sbdf, uint> itsDeviceIdOf,
    IEventSink events,
    IClock clock,
    Func<Sbdf, string?>? idMappingProblemOf = null)
{
    public DeassignTarget DefaultDeassignTarget { get; set; } = DeassignTarget.Quarantine;

    /// <summary>Checks an assignment without changing anything (Xen's test_assign_device).</summary>
    public AssignmentResult TestAssign(DomainId guest, IReadOnlyCollection<Sbdf> functions) => ValidateAssign(guest, functions);

    public AssignmentResult Assign(DomainId guest, IReadOnlyCollection<Sbdf> functions)
    {
        var check = ValidateAssign(guest, functions);
        if (!check.Accepted) return Refuse(guest, check);
        var target = Owner.Guest(guest);
        foreach (var f in check.Functions)
        {
            Move(f, target);
            Emit(HypervisorEventKinds.DeviceAssigned, f, guest, $"{f} assigned to {guest}");
        }
        return check;
    }

    public AssignmentResult Deassign(DomainId guest, IReadOnlyCollection<Sbdf> functions, DeassignTarget? to = null)
    {
        var check = ValidateDeassign(guest, functions);
        if (!check.Accepted) return Refuse(guest, check);
        var target = (to ?? DefaultDeassignTarget) == DeassignTarget.Quarantine ? Owner.Quarantine : Owner.HardwareDomain;
        foreach (var f in check.Functions)
        {
            Move(f, target);
            Emit(HypervisorEventKinds.DeviceDeassigned, f, guest, $"{f} deassigned from {guest} to {target}");
        }
        return check;
    }

    /// <summary>Takes a function from whoever has it and blocks its DMA (for recovery). Returns the previous owner.</summary>
    public Owner Quarantine(Sbdf function, string reason)
    {
        var old = owners.OwnerOf(function);
        if (old.Kind is OwnerKind.Broken or OwnerKind.Quarantine) return old;
        Move(function, Owner.Quarantine, touchDevice: false);
        Emit(EventKinds.DeviceQuarantined, function, old.IsGuest ? old.Domain : null, $"{function} quarantined (was {old}): {reason}");
        return old;
    }

    /// <summary>Marks a function broken: DMA blocked, never assignable to a guest again. Returns the previous owner.</summary>
    public Owner MarkBroken(Sbdf function, string reason)
    {
        var old = owners.OwnerOf(function);
        if (old.Kind == OwnerKind.Broken) return old;
        Move(function, Owner.Broken, touchDevice: false);
        Emit(HypervisorEventKinds.DeviceBroken, function, old.IsGuest ? old.Domain : null, $"{function} marked broken (was {old}): {reason}");
        return old;
    }

    /// <summary>Gives a quarantined function back to the hardware domain; a broken or assigned one is refused.</summary>
    public AssignmentResult ReturnToHardwareDomain(Sbdf function)
    {
        var old = owners.OwnerOf(function);
        if (old.Kind == OwnerKind.HardwareDomain) return AssignmentResult.Ok([function]);
        if (old.Kind != OwnerKind.Quarantine)
            return AssignmentResult.Refused(old.Kind == OwnerKind.Broken ? "EBADF" : "EBUSY", $"{function} is {old}, not quarantined");
        Move(function, Owner.HardwareDomain);
        Emit(HypervisorEventKinds.DeviceReleased, function, null, $"{function} returned from quarantine to the hardware domain");
        return AssignmentResult.Ok([function]);
    }

    private AssignmentResult ValidateAssign(DomainId guest, IReadOnlyCollection<Sbdf> functions)
    {
        if (!guest.IsGuest) return AssignmentResult.Refused("EINVAL", $"{guest} is not a guest; deassign gives functions back");
        if (functions.Count == 0) return AssignmentResult.Refused("EINVAL", "no functions given");
        var set = new SortedSet<Sbdf>(functions);
        foreach (var f in set)
        {
            if (!topology.Contains(f)) return AssignmentResult.Refused("ENODEV", $"{f} is not a known function");
            if (IsBridge(f)) return AssignmentResult.Refused("EPERM", $"{f} is a bridge; a guest may not own a function whose Bridge Control resets others");
            var owner = owners.OwnerOf(f);
            if (owner.Kind == OwnerKind.Broken) return AssignmentResult.Refused("EBADF", $"{f} is broken and never goes to a guest");
            if (!owner.IsAssignable) return AssignmentResult.Refused("EBUSY", $"{f} is already assigned to {owner}");
        }
        if (CheckWholeGroups(set, f => true) is { } partial) return partial;
        foreach (var f in set)
            if (CheckIdMappings(f) is { } unmapped) return unmapped;
        if (views.FreeSlots(guest) < set.Count)
            return AssignmentResult.Refused("ENOSPC", $"{guest} has {views.FreeSlots(guest)} free virtual slots, {set.Count} needed");
        return AssignmentResult.Ok([.. set]);
    }

    /// <summary>Every Requester ID the function's DMA and MSIs may carry must have firmware-given IDs.</summary>
    private AssignmentResult? CheckIdMappings(Sbdf function)
    {
        if (idMappingProblemOf is null) return null;
        if (idMappingProblemOf(function) is { } own)
            return AssignmentResult.Refused("ENXIO", $"{function} cannot be assigned: {own}");
        foreach (var rid in RequesterIdsOf(function))
            if (idMappingProblemOf(rid) is { } why)
                return AssignmentResult.Refused("ENXIO", $"{function} cannot be assigned: its DMA also uses {rid}, and {why}");
        return null;
    }

    /// <summary>The other Requester IDs whose IOMMU context follows the function: phantom functions, then DMA aliases.</summary>
    private List<Sbdf> RequesterIdsOf(Sbdf function)
    {
        var ids = new List<Sbdf>(topology.PhantomFunctionsOf(function));
        foreach (var alias in topology.DmaAliasesOf(function))
            if (!ids.Contains(alias)) ids.Add(alias);
        return ids;
    }

    private AssignmentResult ValidateDeassign(DomainId guest, IReadOnlyCollection<Sbdf> functions)
    {
        if (functions.Count == 0) return AssignmentResult.Refused("EINVAL", "no functions given");
        var set = new SortedSet<Sbdf>(functions);
        var expected = Owner.Guest(guest);
        foreach (var f in set)
        {
            var owner = owners.OwnerOf(f);
            if (owner != expected) return AssignmentResult.Refused("EINVAL", $"{f} is not assigned to {guest} (owner: {owner})");
        }
        // Members already taken away (quarantined or broken by recovery) are not required.
        if (CheckWholeGroups(set, m => owners.OwnerOf(m) == expected) is { } partial) return partial;
        return AssignmentResult.Ok([.. set]);
    }

    private AssignmentResult? CheckWholeGroups(SortedSet<Sbdf> set, Func<Sbdf, bool> required)
    {
        foreach (var f in set)
        {
            if (topology.GroupOf(f) is not { } group) return AssignmentResult.Refused("ENODEV", $"{f} has no isolation group");
            foreach (var m in group.Members)
            {
                if (set.Contains(m) || IsBridge(m) || !required(m)) continue;
                return AssignmentResult.Refused("EPERM",
                    $"{f} shares isolation group {group.Id} with {m}, which is not in the request; assign and deassign whole groups ({group.Reason})");
            }
        }
        return null;
    }

    /// <summary>
    /// Moves a function to a new owner. <paramref name="touchDevice"/> is false when recovery takes a
    /// failing function away (quarantine, broken): such a function may still be in reset, not ready
    /// (answering RRS) or gone, and no config request may reach it before it is ready (PCIe Base 6.0
    /// §2.3.1, §6.6.1), so only the IOMMU block isolates it; its Command register is left alone.
    /// </summary>
    private void Move(Sbdf function, Owner target, bool touchDevice = true)
    {
        var old = owners.OwnerOf(function);
        views.TearDown(old, function);
        interrupts.UnmapDevice(itsDeviceIdOf(function));
        if (touchDevice)
            config.WithConfigLock(p =>
            {
                uint command = p.Read(function, ConfigHeader.Command, 2);
                p.Write(function, ConfigHeader.Command, 2,
                    command & ~(uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandIoSpace | ConfigHeader.CommandBusMaster));
            });
        SwitchIommu(function, target);
        foreach (var other in RequesterIdsOf(function))
            SwitchIommu(other, target);
        owners.Set(function, target);
        views.Build(target, function);
    }

    private void SwitchIommu(Sbdf requester, Owner target)
    {
        uint sid = streamIdOf(requester);
        switch (target.Kind)
        {
            case OwnerKind.Guest: iommu.Attach(sid, target.Domain); break;
            case OwnerKind.HardwareDomain: iommu.Attach(sid, DomainId.Hardware); break;
            default: iommu.Block(sid); break; // quarantine and broken: every DMA faults
        }
    }

    private bool IsBridge(Sbdf f) => (config.Read(f, ConfigHeader.HeaderType, 1) & 0x7F) == 1;

    private AssignmentResult Refuse(DomainId guest, AssignmentResult result)
    {
        Emit(HypervisorEventKinds.AssignmentRefused, null, guest, result.ToString());
        return result;
    }

    private void Emit(string kind, Sbdf? device, DomainId? domain, string text) =>
        events.Emit(TimelineEvent.Of(clock.Now, kind, device, domain, text));
}
