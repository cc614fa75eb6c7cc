using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// An immutable snapshot of one machine's PCI hierarchy: host bridges and every function with its
/// upstream bridge, children, VFs, phantom functions and ARI state. Nodes are kept in Linux's scan
/// order (each bus's functions by DevFn, then the buses below each bridge, depth first; VFs last, by
/// PF), which is derived from the tree alone, so the same set of functions gives the same snapshot
/// whatever order they were reported in.
/// </summary>
public sealed class PciTopology
{
    private readonly Dictionary<Sbdf, int> _index;
    private readonly Dictionary<long, int[]> _busMembers;

    internal PciTopology(ImmutableArray<HostBridge> hostBridges, ImmutableArray<TopologyNode> nodes, ImmutableArray<string> warnings)
    {
        HostBridges = hostBridges;
        Nodes = nodes;
        Warnings = warnings;
        _index = new Dictionary<Sbdf, int>(nodes.Length);
        var members = new Dictionary<long, List<int>>();
        foreach (var n in nodes)
        {
            _index[n.Address] = n.Index;
            long key = BusKey(n.Address.Segment, n.Address.Bus);
            if (!members.TryGetValue(key, out var list)) members[key] = list = [];
            list.Add(n.Index);
        }
        _busMembers = new Dictionary<long, int[]>(members.Count);
        foreach (var (k, v) in members) _busMembers[k] = [.. v];
        var byAddress = new int[nodes.Length];
        var keys = new Sbdf[nodes.Length];
        for (int i = 0; i < byAddress.Length; i++) { byAddress[i] = i; keys[i] = nodes[i].Address; }
        Array.Sort(keys, byAddress);
        AddressOrder = byAddress;
    }

    /// <summary>Node indices in address order (computed once; group numbering and output use it).</summary>
    internal int[] AddressOrder { get; }

    public ImmutableArray<HostBridge> HostBridges { get; }

    /// <summary>Every function, in canonical order (<see cref="TopologyNode.Index"/>).</summary>
    public ImmutableArray<TopologyNode> Nodes { get; }

    /// <summary>Things in the input that do not fit a consistent tree, in words.</summary>
    public ImmutableArray<string> Warnings { get; }

    public int Count => Nodes.Length;

    public TopologyNode this[Sbdf address] => TryGet(address, out var n) ? n : throw new KeyNotFoundException($"{address} is not in the topology");

    public bool Contains(Sbdf address) => _index.ContainsKey(address);

    public bool TryGet(Sbdf address, out TopologyNode node)
    {
        if (_index.TryGetValue(address, out int i)) { node = Nodes[i]; return true; }
        node = null!;
        return false;
    }

    public int IndexOf(Sbdf address) => _index.TryGetValue(address, out int i) ? i : -1;

    /// <summary>Indices of the functions whose address is on this bus number (VFs included), in canonical order.</summary>
    public ReadOnlySpan<int> OnBus(uint segment, byte bus) => _busMembers.TryGetValue(BusKey(segment, bus), out var m) ? m : [];

    /// <summary>The upstream bridge, or null on the root bus.</summary>
    public TopologyNode? Upstream(TopologyNode node) => node.UpstreamIndex < 0 ? null : Nodes[node.UpstreamIndex];

    /// <summary>Every function below <paramref name="bridge"/> (its secondary bus and deeper, VFs included), in canonical order.</summary>
    public ImmutableArray<Sbdf> Below(TopologyNode bridge)
    {
        var result = ImmutableArray.CreateBuilder<Sbdf>();
        foreach (var n in Nodes)
        {
            for (int up = n.UpstreamIndex; up >= 0; up = Nodes[up].UpstreamIndex)
            {
                if (up == bridge.Index) { result.Add(n.Address); break; }
            }
        }
        return result.ToImmutable();
    }

    /// <summary>Builds a snapshot from enumerated functions (a sysfs or lspci import, or a simulator), inferring host bridges if none are given.</summary>
    public static PciTopology FromFunctions(IEnumerable<FunctionConfig> functions, IEnumerable<HostBridge>? hostBridges = null) =>
        PciTopologyBuilder.Build(functions, hostBridges);

    internal static long BusKey(uint segment, byte bus) => (long)segment << 8 | bus;
}
