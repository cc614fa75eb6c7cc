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
    // Below(bridge), computed on first use per bridge: the snapshot is immutable, so the answer never changes.
    private readonly ImmutableArray<Sbdf>[] _below;

    internal PciTopology(ImmutableArray<HostBridge> hostBridges, ImmutableArray<TopologyNode> nodes, ImmutableArray<string> warnings, int[]? addressOrder = null)
    {
        HostBridges = hostBridges;
        Nodes = nodes;
        Warnings = warnings;
        _index = new Dictionary<Sbdf, int>(nodes.Length);
        // Each bus's members, in canonical order: count per bus, then fill arrays sized exactly.
        var memberCount = new Dictionary<long, int>();
        foreach (var n in nodes)
        {
            _index[n.Address] = n.Index;
            long key = BusKey(n.Address.Segment, n.Address.Bus);
            memberCount[key] = memberCount.GetValueOrDefault(key) + 1;
        }
        _busMembers = new Dictionary<long, int[]>(memberCount.Count);
        var filled = new Dictionary<long, int>(memberCount.Count);
        foreach (var n in nodes)
        {
            long key = BusKey(n.Address.Segment, n.Address.Bus);
            if (!_busMembers.TryGetValue(key, out var members)) _busMembers[key] = members = new int[memberCount[key]];
            int at = filled.GetValueOrDefault(key);
            members[at] = n.Index;
            filled[key] = at + 1;
        }
        if (addressOrder is null)
        {
            addressOrder = new int[nodes.Length];
            var keys = new Sbdf[nodes.Length];
            for (int i = 0; i < addressOrder.Length; i++) { addressOrder[i] = i; keys[i] = nodes[i].Address; }
            Array.Sort(keys, addressOrder);
        }
        AddressOrder = addressOrder;
        _below = new ImmutableArray<Sbdf>[nodes.Length];
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
        int b = bridge.Index;
        if ((uint)b >= (uint)_below.Length) return [];
        var below = _below[b];
        if (below.IsDefault) _below[b] = below = ComputeBelow(b);
        return below;
    }

    private ImmutableArray<Sbdf> ComputeBelow(int bridge)
    {
        int count = 0;
        foreach (var n in Nodes)
            if (IsBelow(n, bridge)) count++;
        if (count == 0) return [];
        var result = new Sbdf[count];
        int k = 0;
        foreach (var n in Nodes)
            if (IsBelow(n, bridge)) result[k++] = n.Address;
        return System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(result);
    }

    private bool IsBelow(TopologyNode node, int bridge)
    {
        for (int up = node.UpstreamIndex; up >= 0; up = Nodes[up].UpstreamIndex)
            if (up == bridge) return true;
        return false;
    }

    /// <summary>Builds a snapshot from enumerated functions (a sysfs or lspci import, or a simulator), inferring host bridges if none are given.</summary>
    public static PciTopology FromFunctions(IEnumerable<FunctionConfig> functions, IEnumerable<HostBridge>? hostBridges = null) =>
        PciTopologyBuilder.Build(functions, hostBridges);

    internal static long BusKey(uint segment, byte bus) => (long)segment << 8 | bus;
}
