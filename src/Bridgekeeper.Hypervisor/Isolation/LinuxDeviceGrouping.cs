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
    private readonly TopologyNode[] _nodes;
    private readonly bool[] _acs;
    private readonly sbyte[] _pathIsolated; // 0 unknown, 1 yes, -1 no
    private readonly int[] _group;
    private readonly bool[] _busHasAliases;
    private readonly bool[] _devfnSeen = new bool[256];
    private readonly List<GroupJoin> _joins = [];
    private int _nextGroup;

    private LinuxDeviceGrouping(PciTopology topology)
    {
        _topology = topology;
        _nodes = [.. topology.Nodes];
        int n = _nodes.Length;
        _acs = new bool[n];
        _pathIsolated = new sbyte[n];
        _group = new int[n];
        _busHasAliases = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _acs[i] = AcsIsolation.Enabled(_nodes[i]);
            _group[i] = None;
        }
        foreach (var node in _nodes)
        {
            if (!DmaAliasQuirks.HasAliases(node)) continue;
            foreach (int j in topology.OnBus(node.Address.Segment, node.Address.Bus)) _busHasAliases[j] = true;
        }
    }

    public static IsolationGroups Build(PciTopology topology)
    {
        var run = new LinuxDeviceGrouping(topology);
        for (int i = 0; i < run._nodes.Length; i++) run._group[i] = run.Probe(i);
        return IsolationGroups.Assemble(topology, GroupingPolicy.Linux, run._group, run._joins);
    }

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
        Array.Clear(_devfnSeen);
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
        if (_devfnSeen[node.Address.DevFn]) return None;
        _devfnSeen[node.Address.DevFn] = true;
        if (_group[pdev] != None) { via = pdev; return _group[pdev]; }
        if (!_busHasAliases[pdev]) return None;
        foreach (int tmp in _topology.OnBus(node.Address.Segment, node.Address.Bus))
        {
            if (tmp == pdev || !AreDmaAliases(node, _nodes[tmp])) continue;
            int g = AliasGroup(tmp, ref via);
            if (g != None) return g;
            g = FunctionAliasGroup(tmp, ref via);
            if (g != None) return g;
        }
        return None;
    }

    /// <summary>Linux's <c>get_pci_function_alias_group()</c>: non-ACS functions of the same slot.</summary>
    private int FunctionAliasGroup(int pdev, ref int via)
    {
        var node = _nodes[pdev];
        if (!node.IsMultiFunction || _acs[pdev]) return None;
        foreach (int tmp in _topology.OnBus(node.Address.Segment, node.Address.Bus))
        {
            var other = _nodes[tmp];
            if (tmp == pdev || other.Address.Device != node.Address.Device || _acs[tmp]) continue;
            int g = AliasGroup(tmp, ref via);
            if (g != None) return g;
        }
        return None;
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
