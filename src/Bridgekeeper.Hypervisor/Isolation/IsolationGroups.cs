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
    /// explain them. Groups are numbered by their first member's address.
    /// </summary>
    internal static IsolationGroups Assemble(PciTopology topology, GroupingPolicy policy, int[] keyOfNode, List<GroupJoin> joins)
    {
        var nodes = topology.Nodes;
        int n = nodes.Length;
        // Keys are node indices or dense group numbers, so both fit an array of n.
        var groupOfKey = new int[Math.Max(n, 1)];
        Array.Fill(groupOfKey, -1);
        var groupOfNode = new int[n];
        var sizes = new List<int>();
        // Address order, so groups number by first member and members come out sorted.
        foreach (int i in topology.AddressOrder)
        {
            int key = keyOfNode[i];
            int g = groupOfKey[key];
            if (g < 0) { g = groupOfKey[key] = sizes.Count; sizes.Add(0); }
            groupOfNode[i] = g;
            sizes[g]++;
        }
        var members = new Sbdf[sizes.Count][];
        var filled = new int[sizes.Count];
        for (int g = 0; g < members.Length; g++) members[g] = new Sbdf[sizes[g]];
        foreach (int i in topology.AddressOrder)
        {
            int g = groupOfNode[i];
            members[g][filled[g]++] = nodes[i].Address;
        }
        var joinLists = new List<GroupJoin>?[members.Length];
        foreach (var j in joins)
        {
            int g = groupOfNode[topology.IndexOf(j.Member)];
            (joinLists[g] ??= []).Add(j);
        }
        var groups = new IsolationGroup[members.Length];
        for (int g = 0; g < groups.Length; g++)
            groups[g] = new IsolationGroup(g, ImmutableCollectionsMarshal.AsImmutableArray(members[g]), joinLists[g] is { } l ? [.. l] : [], topology, policy);
        return new IsolationGroups(topology, policy, ImmutableCollectionsMarshal.AsImmutableArray(groups), groupOfNode);
    }
}
