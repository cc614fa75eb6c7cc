using System.Collections.Immutable;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// An isolation group as assignment sees it: an id, its members in address order, and why they share it.
/// The reason of a computed group is written only when read: assignment needs it only to refuse a request,
/// and writing it (a sentence per join) for every accepted one would cost more than the whole check.
/// </summary>
public sealed class AssignableGroup
{
    private readonly IsolationGroup? _group;
    private readonly string? _reason;

    public AssignableGroup(int id, ImmutableArray<Sbdf> members, string reason)
    {
        Id = id;
        Members = members;
        _reason = reason;
    }

    /// <summary>Assignment's view of a computed group; <see cref="Reason"/> is the group's own.</summary>
    public AssignableGroup(IsolationGroup group)
    {
        Id = group.Id;
        Members = group.Members;
        _group = group;
    }

    public int Id { get; }

    public ImmutableArray<Sbdf> Members { get; }

    public string Reason => _reason ?? _group!.Reason;
}
