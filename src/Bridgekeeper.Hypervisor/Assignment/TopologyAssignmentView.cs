using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// Assignment's view of the topology registry: the rebuilt tree says which functions exist and which
/// phantom Requester IDs follow a primary, and the isolation groups of the chosen policy (recomputed
/// after every report) are the minimum assignment units, each with its reason.
/// </summary>
public sealed class TopologyAssignmentView(TopologyRegistry registry, GroupingPolicy policy) : IAssignmentTopology
{
    public GroupingPolicy Policy { get; } = policy;

    public bool Contains(Sbdf function) => registry.Topology.Contains(function);

    public AssignableGroup? GroupOf(Sbdf function) =>
        registry.Groups(Policy).TryGroupOf(function, out var group) ? new AssignableGroup(group) : null;

    public IReadOnlyList<Sbdf> PhantomFunctionsOf(Sbdf function)
    {
        if (!registry.Topology.TryGet(function, out var node) || node.PhantomRequesterIds.IsEmpty) return [];
        var phantoms = new List<Sbdf>(node.PhantomRequesterIds.Length);
        foreach (var rid in node.PhantomRequesterIds) phantoms.Add(Sbdf.FromRequesterId(function.Segment, rid));
        return phantoms;
    }

    public IReadOnlyList<Sbdf> DmaAliasesOf(Sbdf function) => DmaAliasWalk.AliasesOf(registry.Topology, function);

    public Sbdf? PhysicalFunctionOf(Sbdf function) =>
        registry.Topology.TryGet(function, out var node) && node.IsVirtualFunction ? node.PhysicalFunction : null;
}
