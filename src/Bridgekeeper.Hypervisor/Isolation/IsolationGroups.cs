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
        // Nodes in address order, so each group's members come out sorted and groups number by first member.
        var byAddress = new int[n];
        for (int i = 0; i < n; i++) byAddress[i] = i;
        Array.Sort(byAddress, (a, b) => nodes[a].Address.CompareTo(nodes[b].Address));
        var groupOfKey = new Dictionary<int, int>();
        var memberLists = new List<List<Sbdf>>();
        var groupOfNode = new int[n];
        foreach (int i in byAddress)
        {
            if (!groupOfKey.TryGetValue(keyOfNode[i], out int g))
            {
                g = memberLists.Count;
                groupOfKey[keyOfNode[i]] = g;
                memberLists.Add(new List<Sbdf>(1));
            }
            memberLists[g].Add(nodes[i].Address);
            groupOfNode[i] = g;
        }
        var joinLists = new List<GroupJoin>?[memberLists.Count];
        foreach (var j in joins)
        {
            int g = groupOfNode[topology.IndexOf(j.Member)];
            (joinLists[g] ??= []).Add(j);
        }
        var groups = new IsolationGroup[memberLists.Count];
        for (int g = 0; g < groups.Length; g++)
            groups[g] = new IsolationGroup(g, [.. memberLists[g]], joinLists[g] is { } l ? [.. l] : [], topology, policy);
        return new IsolationGroups(topology, policy, ImmutableCollectionsMarshal.AsImmutableArray(groups), groupOfNode);
    }
}
