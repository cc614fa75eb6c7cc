using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>A partition of a topology's functions into isolation groups under one policy.</summary>
public sealed class IsolationGroups
{
    private readonly int[] _groupOfNode;

    private IsolationGroups(PciTopology topology, GroupingPolicy policy, ImmutableArray<IsolationGroup> groups, int[] groupOfNode)
    {
        Topology = topology;
        Policy = policy;
        Groups = groups;
        _groupOfNode = groupOfNode;
    }

    public PciTopology Topology { get; }

    public GroupingPolicy Policy { get; }

    public ImmutableArray<IsolationGroup> Groups { get; }

    public IsolationGroup GroupOf(Sbdf function) =>
        TryGroupOf(function, out var g) ? g : throw new KeyNotFoundException($"{function} is not in the topology");

    public bool TryGroupOf(Sbdf function, out IsolationGroup group)
    {
        int i = Topology.IndexOf(function);
        group = i < 0 ? null! : Groups[_groupOfNode[i]];
        return i >= 0;
    }

    /// <summary>
    /// Collects groups from a per-node group key (any int; equal keys share a group) and the joins that
    /// explain them (<paramref name="joinMembers"/>: each join's member as a node index). Groups are
    /// numbered by their first member's address.
    /// </summary>
    internal static IsolationGroups Assemble(PciTopology topology, GroupingPolicy policy, ReadOnlySpan<int> keyOfNode, List<GroupJoin> joins, List<int> joinMembers)
    {
        var nodes = topology.Nodes;
        int n = nodes.Length;
        // Keys are node indices or dense group numbers, so both fit an array of n; so do group sizes.
        // Every array is sized once: a segment has 65,536 functions, and regrowing lists costs more than grouping.
        var groupOfKey = new int[Math.Max(n, 1)];
        Array.Fill(groupOfKey, -1);
        var groupOfNode = new int[n];
        var sizes = new int[Math.Max(n, 1)];
        int groupCount = 0;
        // Address order, so groups number by first member and members come out sorted.
        foreach (int i in topology.AddressOrder)
        {
            int key = keyOfNode[i];
            int g = groupOfKey[key];
            if (g < 0) g = groupOfKey[key] = groupCount++;
            groupOfNode[i] = g;
            sizes[g]++;
        }
        var members = new Sbdf[groupCount][];
        for (int g = 0; g < groupCount; g++) members[g] = new Sbdf[sizes[g]];
        var filled = groupOfKey; // no longer needed as a key map
        Array.Clear(filled);
        foreach (int i in topology.AddressOrder)
        {
            int g = groupOfNode[i];
            members[g][filled[g]++] = nodes[i].Address;
        }
        // Joins by group, in the order they were made, each group's exactly sized.
        var joinCounts = sizes;
        Array.Clear(joinCounts);
        foreach (int member in joinMembers) joinCounts[groupOfNode[member]]++;
        var joinArrays = new GroupJoin[]?[groupCount];
        Array.Clear(filled);
        for (int k = 0; k < joins.Count; k++)
        {
            int g = groupOfNode[joinMembers[k]];
            (joinArrays[g] ??= new GroupJoin[joinCounts[g]])[filled[g]++] = joins[k];
        }
        var groups = new IsolationGroup[groupCount];
        for (int g = 0; g < groups.Length; g++)
        {
            var groupJoins = joinArrays[g] is { } a ? ImmutableCollectionsMarshal.AsImmutableArray(a) : [];
            groups[g] = new IsolationGroup(g, ImmutableCollectionsMarshal.AsImmutableArray(members[g]), groupJoins, topology, policy);
        }
        return new IsolationGroups(topology, policy, ImmutableCollectionsMarshal.AsImmutableArray(groups), groupOfNode);
    }
}
