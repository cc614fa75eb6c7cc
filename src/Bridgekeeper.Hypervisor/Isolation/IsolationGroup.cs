using System.Collections.Immutable;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// The smallest set of functions that can be given to one owner: the IOMMU cannot tell their DMA apart,
/// or peer-to-peer between them bypasses it. <see cref="Reason"/> says why, in words; it is written on
/// first use, so computing groups for a whole segment does not format 65,536 sentences.
/// </summary>
public sealed class IsolationGroup
{
    private readonly PciTopology _topology;
    private readonly GroupingPolicy _policy;
    private string? _reason;

    internal IsolationGroup(int id, ImmutableArray<Sbdf> members, ImmutableArray<GroupJoin> joins, PciTopology topology, GroupingPolicy policy)
    {
        Id = id;
        Members = members;
        Joins = joins;
        _topology = topology;
        _policy = policy;
    }

    /// <summary>Position in <see cref="IsolationGroups.Groups"/>, ordered by first member.</summary>
    public int Id { get; }

    /// <summary>Members in address order.</summary>
    public ImmutableArray<Sbdf> Members { get; }

    /// <summary>Every join that made this group bigger than one function.</summary>
    public ImmutableArray<GroupJoin> Joins { get; }

    public string Reason => _reason ??= GroupReasonWriter.Describe(this, _topology, _policy);

    public bool Contains(Sbdf function) => Members.Contains(function);

    public override string ToString() => $"group {Id}: {string.Join(", ", Members)}";
}
