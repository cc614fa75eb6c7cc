using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// Who owns each physical function. A function not in the table belongs to the hardware domain
/// (Xen's <c>pci_add_device</c> gives every reported function to it). Only the assigner changes
/// entries; everyone else reads.
/// </summary>
public sealed class OwnershipTable
{
    private readonly Dictionary<Sbdf, Owner> _owners = [];
    private int _guestOwned;

    public Owner OwnerOf(Sbdf function) => _owners.TryGetValue(function, out var o) ? o : Owner.HardwareDomain;

    /// <summary>True when at least one function is assigned to a guest (the hardware domain's checks matter only then).</summary>
    public bool AnyGuestOwned => _guestOwned > 0;

    /// <summary>Every entry that is not the hardware domain, in address order.</summary>
    public IReadOnlyList<KeyValuePair<Sbdf, Owner>> Entries
    {
        get
        {
            var list = new List<KeyValuePair<Sbdf, Owner>>(_owners);
            list.Sort((a, b) => a.Key.CompareTo(b.Key));
            return list;
        }
    }

    public IReadOnlyList<Sbdf> OwnedBy(DomainId domain)
    {
        var list = new List<Sbdf>();
        foreach (var (f, o) in _owners)
            if (o.IsGuest && o.Domain == domain) list.Add(f);
        list.Sort();
        return list;
    }

    /// <summary>The first guest-owned function on a bus in [<paramref name="firstBus"/>, <paramref name="lastBus"/>] of a segment, if any.</summary>
    public Sbdf? FirstGuestOwnedOnBuses(uint segment, int firstBus, int lastBus)
    {
        Sbdf? found = null;
        foreach (var (f, o) in _owners)
        {
            if (!o.IsGuest || f.Segment != segment || f.Bus < firstBus || f.Bus > lastBus) continue;
            if (found is null || f < found.Value) found = f;
        }
        return found;
    }

    internal void Set(Sbdf function, Owner owner)
    {
        if (OwnerOf(function).IsGuest) _guestOwned--;
        if (owner.IsGuest) _guestOwned++;
        if (owner.Kind == OwnerKind.HardwareDomain) _owners.Remove(function);
        else _owners[function] = owner;
    }
}
