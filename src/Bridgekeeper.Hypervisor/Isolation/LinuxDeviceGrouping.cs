using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// Linux's <c>pci_device_group()</c> (drivers/iommu/iommu.c) run over a <see cref="PciTopology"/>,
/// probing functions in scan order as the kernel's IOMMU probe does at boot (VFs after, as SR-IOV
/// enabling adds them). Groups are only ever looked up and never split, so, as in Linux, the first
/// function probed in a group founds it and the rest join it.
/// </summary>
internal sealed class LinuxDeviceGrouping
{
    private const int None = -1;
    private readonly PciTopology _topology;
    private readonly List<TopologyNode> _nodes;
    private readonly List<bool> _acs;
    private readonly List<sbyte> _pathIsolated; // 0 unknown, 1 yes, -1 no
    private readonly List<int> _group;
    private readonly List<bool> _busHasAliases;
    // Functions probed after the snapshot (hot-added), by bus.
    private readonly Dictionary<long, List<int>> _addedOnBus = [];
    private readonly Dictionary<Sbdf, int> _addedIndex = [];
    // get_pci_alias_group's devfn bitmap, per probe: a DevFn is seen when its stamp is this probe's,
    // so no probe has to clear 256 entries first.
    private readonly int[] _devfnSeenAt = new int[256];
    private int _probeStamp;
    private readonly List<GroupJoin> _joins = [];
    private readonly List<int> _joinMembers = []; // node index of each join's member
    private int _nextGroup;
    private bool _lastAddedFounded;

    private LinuxDeviceGrouping(PciTopology topology)
    {
        _topology = topology;
        int n = topology.Count;
        _nodes = new List<TopologyNode>(n);
        _acs = new List<bool>(n);
        _pathIsolated = new List<sbyte>(n);
        _group = new List<int>(n);
        _busHasAliases = new List<bool>(n);
        foreach (var node in topology.Nodes)
        {
            _nodes.Add(node);
            _acs.Add(AcsIsolation.Enabled(node));
            _pathIsolated.Add(0);
            _group.Add(None);
            _busHasAliases.Add(false);
        }
        foreach (var node in topology.Nodes)
        {
            if (!DmaAliasQuirks.HasAliases(node)) continue;
            foreach (int j in topology.OnBus(node.Address.Segment, node.Address.Bus)) _busHasAliases[j] = true;
        }
    }

    /// <summary>Probes every function of the snapshot in scan order, as the IOMMU probe at boot does.</summary>
    public static LinuxDeviceGrouping Probe(PciTopology topology)
    {
        var run = new LinuxDeviceGrouping(topology);
        for (int i = 0; i < run._nodes.Count; i++) run._group[i] = run.Probe(i);
        return run;
    }

    public static IsolationGroups Build(PciTopology topology)
    {
        var run = Probe(topology);
        return IsolationGroups.Assemble(topology, GroupingPolicy.Linux, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run._group), run._joins, run._joinMembers);
    }

    public int GroupOf(Sbdf function)
    {
        int i = _topology.IndexOf(function);
        if (i >= 0) return _group[i];
        return _addedIndex.TryGetValue(function, out i) ? _group[i] : None;
    }

    public int GroupCount => _nextGroup;

    /// <summary>
    /// Probes one function added after the snapshot, exactly as Linux probes a hot-added device: it joins an
    /// existing group or founds a new one; nothing already grouped moves.
    /// </summary>
    public int Add(TopologyNode node)
    {
        int i = _nodes.Count;
        _nodes.Add(node);
        _acs.Add(AcsIsolation.Enabled(node));
        _pathIsolated.Add(0);
        _group.Add(None);
        _busHasAliases.Add(DmaAliasQuirks.HasAliases(node));
        long bus = PciTopology.BusKey(node.Address.Segment, node.Address.Bus);
        if (!_addedOnBus.TryGetValue(bus, out var list)) _addedOnBus[bus] = list = [];
        list.Add(i);
        _addedIndex[node.Address] = i;
        int groupsBefore = _nextGroup;
        int g = Probe(i);
        _group[i] = g;
        _lastAddedFounded = _nextGroup != groupsBefore;
        return g;
    }

    /// <summary>Forgets the most recently added function (hot removal of the last hot-add).</summary>
    public bool RemoveLastAdded(Sbdf function)
    {
        if (!_addedIndex.TryGetValue(function, out int i) || i != _nodes.Count - 1) return false;
        var node = _nodes[i];
        _addedOnBus[PciTopology.BusKey(node.Address.Segment, node.Address.Bus)].Remove(i);
        _addedIndex.Remove(function);
        // A group the last hot-added function founded has no other member: nothing was probed after it.
        if (_lastAddedFounded) _nextGroup--;
        _lastAddedFounded = false;
        if (_joins.Count > 0 && _joins[^1].Member == function)
        {
            _joins.RemoveAt(_joins.Count - 1);
            _joinMembers.RemoveAt(_joinMembers.Count - 1);
        }
        _nodes.RemoveAt(i);
        _acs.RemoveAt(i);
        _pathIsolated.RemoveAt(i);
        _group.RemoveAt(i);
        _busHasAliases.RemoveAt(i);
        return true;
    }

    /// <summary>Functions with this bus number: the snapshot's, then the hot-added ones.</summary>
    private List<int>? AddedOnBus(Sbdf at) =>
        _addedOnBus.Count == 0 ? null : _addedOnBus.GetValueOrDefault(PciTopology.BusKey(at.Segment, at.Bus));

    private int Probe(int dev)
    {
        // Step 1: pci_for_each_dma_alias; the last device visited is the top-most alias source.
        int pdev = dev;
        for (int b = _nodes[dev].UpstreamIndex; b >= 0; b = _nodes[b].UpstreamIndex)
        {
            var t = _nodes[b];
            if (t.IsPcie)
            {
                if (t.PortType is PciePortType.RootPort or PciePortType.UpstreamPort or PciePortType.DownstreamPort) continue;
                if (t.PortType == PciePortType.PcieToPciBridge && DmaAliasQuirks.ForwardsRequesterIds(t)) continue;
                if (t.PortType is not (PciePortType.PcieToPciBridge or PciePortType.PciToPcieBridge)) continue;
            }
            pdev = b;
            if (_group[b] != None) return Join(GroupJoinKind.BridgeAlias, dev, b, _group[b]);
        }

        // Step 2: move the anchor up while the path above is not ACS-isolated.
        for (int b = _nodes[pdev].UpstreamIndex; b >= 0; b = _nodes[b].UpstreamIndex)
        {
            if (PathIsolated(b)) break;
            pdev = b;
            if (_group[b] != None) return Join(GroupJoinKind.PathNotIsolated, dev, b, _group[b]);
        }

        // Steps 3 and 4: DMA aliases on the anchor's bus, then its non-ACS multifunction siblings.
        _probeStamp++;
        int via = None;
        int found = AliasGroup(pdev, ref via);
        if (found != None) return Join(GroupJoinKind.DmaAlias, dev, via, found);
        found = FunctionAliasGroup(pdev, ref via);
        if (found != None) return Join(GroupJoinKind.MultiFunctionWithoutAcs, dev, via, found);
        return _nextGroup++;
    }

    private int Join(GroupJoinKind kind, int member, int via, int group)
    {
        _joins.Add(new GroupJoin(kind, _nodes[member].Address, _nodes[via].Address));
        _joinMembers.Add(member);
        return group;
    }

    /// <summary>Linux's <c>pci_acs_path_enabled(start, NULL, REQ_ACS_FLAGS)</c>, memoised.</summary>
    private bool PathIsolated(int b)
    {
        if (_pathIsolated[b] != 0) return _pathIsolated[b] > 0;
        int up = _nodes[b].UpstreamIndex;
        bool ok = _acs[b] && (up < 0 || PathIsolated(up));
        _pathIsolated[b] = ok ? (sbyte)1 : (sbyte)-1;
        return ok;
    }

    /// <summary>Linux's <c>get_pci_alias_group()</c>.</summary>
    private int AliasGroup(int pdev, ref int via)
    {
        var node = _nodes[pdev];
        if (_devfnSeenAt[node.Address.DevFn] == _probeStamp) return None;
        _devfnSeenAt[node.Address.DevFn] = _probeStamp;
        if (_group[pdev] != None) { via = pdev; return _group[pdev]; }
        if (!_busHasAliases[pdev]) return None;
        foreach (int tmp in _topology.OnBus(node.Address.Segment, node.Address.Bus))
        {
            int g = AliasCandidate(pdev, node, tmp, ref via);
            if (g != None) return g;
        }
        if (AddedOnBus(node.Address) is { } added)
        {
            foreach (int tmp in added)
            {
                int g = AliasCandidate(pdev, node, tmp, ref via);
                if (g != None) return g;
            }
        }
        return None;
    }

    private int AliasCandidate(int pdev, TopologyNode node, int tmp, ref int via)
    {
        if (tmp == pdev || !AreDmaAliases(node, _nodes[tmp])) return None;
        int g = AliasGroup(tmp, ref via);
        return g != None ? g : FunctionAliasGroup(tmp, ref via);
    }

    /// <summary>Linux's <c>get_pci_function_alias_group()</c>: non-ACS functions of the same slot.</summary>
    private int FunctionAliasGroup(int pdev, ref int via)
    {
        var node = _nodes[pdev];
        if (!node.IsMultiFunction || _acs[pdev]) return None;
        foreach (int tmp in _topology.OnBus(node.Address.Segment, node.Address.Bus))
        {
            int g = SlotSibling(pdev, node, tmp, ref via);
            if (g != None) return g;
        }
        if (AddedOnBus(node.Address) is { } added)
        {
            foreach (int tmp in added)
            {
                int g = SlotSibling(pdev, node, tmp, ref via);
                if (g != None) return g;
            }
        }
        return None;
    }

    private int SlotSibling(int pdev, TopologyNode node, int tmp, ref int via)
    {
        if (tmp == pdev || _nodes[tmp].Address.Device != node.Address.Device || _acs[tmp]) return None;
        return AliasGroup(tmp, ref via);
    }

    /// <summary>Linux's <c>pci_devs_are_dma_aliases()</c>: either one's alias mask holds the other's DevFn.</summary>
    private static bool AreDmaAliases(TopologyNode a, TopologyNode b) => Aliases(a, b.Address.DevFn) || Aliases(b, a.Address.DevFn);

    private static bool Aliases(TopologyNode node, byte devfn)
    {
        // Linux has no generic phantom-function handling; only quirk aliases count (the strict policy adds phantoms).
        foreach (byte d in DmaAliasQuirks.AliasDevFns(node)) if (d == devfn) return true;
        return false;
    }
}
