using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// The strict policy: groups follow bus isolation, after the 2025 series "iommu: Compute iommu_groups
/// properly for PCIe switches" and its multifunction companion, computed as a union over the final tree
/// so the result cannot depend on any order. Rules (docs/isolation-groups.md):
/// <list type="number">
/// <item>A root or downstream port isolates what is below it only if it enforces ACS SV, RR, CR and UF
/// (quirks included) and no sibling function of its own device lacks ACS (a sibling could route into it).</item>
/// <item>A switch's internal bus is isolated only if everything on it is a downstream port that enforces
/// ACS and has no DMA alias; otherwise the upstream port and everything below it is one group.</item>
/// <item>PCIe-to-PCI, PCI-to-PCIe and conventional bridges never isolate: bridge and subtree are one group.</item>
/// <item>Every function joins the top-most non-isolating bridge above it.</item>
/// <item>If any function of a multifunction device lacks ACS, all of its functions share a group.</item>
/// <item>VFs share their PF's group unless the PF enforces ACS (a PF and its VFs are one device).</item>
/// <item>DMA-alias quirks and phantom functions share the group of the function they alias.</item>
/// </list>
/// Every group is therefore a union of Linux groups: strict never gives a private group Linux would not,
/// and splits nothing Linux merges.
/// </summary>
internal sealed class StrictBusIsolation
{
    private readonly PciTopology _topology;
    private readonly System.Collections.Immutable.ImmutableArray<TopologyNode> _nodes;
    private readonly int[] _parent;
    private readonly bool[] _enforces;
    private readonly int[] _siblingWithoutAcs; // for a function of an MFD: a sibling lacking ACS, else -1
    private readonly int[] _switchCulprit;     // for a USP: what breaks its internal bus (-1 isolated, -2 unknown)
    // Sized for a join per function (every VF of a PF without ACS joins it): no regrowth on a full segment.
    private readonly List<GroupJoin> _joins;
    private readonly List<int> _joinMembers; // node index of each join's member

    private StrictBusIsolation(PciTopology topology)
    {
        _topology = topology;
        _nodes = topology.Nodes;
        int n = _nodes.Length;
        _parent = new int[n];
        _enforces = new bool[n];
        _siblingWithoutAcs = new int[n];
        _switchCulprit = new int[n];
        _joins = new List<GroupJoin>(n);
        _joinMembers = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            _parent[i] = i;
            _enforces[i] = Enforces(_nodes[i]);
            _siblingWithoutAcs[i] = -1;
            _switchCulprit[i] = -2;
        }
    }

    public static IsolationGroups Build(PciTopology topology)
    {
        var run = new StrictBusIsolation(topology);
        run.JoinMultiFunctionDevices();
        run.JoinBelowNonIsolatingBridges();
        run.JoinVirtualFunctions();
        run.JoinAliases();
        var key = new int[run._nodes.Length];
        for (int i = 0; i < key.Length; i++) key[i] = run.Find(i);
        return IsolationGroups.Assemble(topology, GroupingPolicy.Strict, key, run._joins, run._joinMembers);
    }

    /// <summary>ACS SV, RR, CR and UF in effect (a quirk's answer first); no single-function exemption.</summary>
    private static bool Enforces(TopologyNode node)
    {
        int quirk = AcsIsolation.QuirkAnswer(node, AcsIsolation.RequiredFlags, out _);
        if (quirk >= 0) return quirk > 0;
        return node.IsPcie && AcsIsolation.FlagsEnabled(node, AcsIsolation.RequiredFlags);
    }

    private void JoinMultiFunctionDevices()
    {
        var seen = new HashSet<(long, int)>();
        foreach (var node in _nodes)
        {
            if (node.IsVirtualFunction || !node.IsMultiFunction) continue;
            var key = (PciTopology.BusKey(node.Address.Segment, node.Address.Bus), node.IsAriFunction ? -1 : node.Address.Device);
            if (!seen.Add(key)) continue;
            var functions = new List<int>();
            int without = -1;
            foreach (int j in _topology.OnBus(node.Address.Segment, node.Address.Bus))
            {
                var f = _nodes[j];
                if (f.IsVirtualFunction || (node.IsAriFunction ? !f.IsAriFunction : f.Address.Device != node.Address.Device || f.IsAriFunction)) continue;
                functions.Add(j);
                if (!_enforces[j] && without < 0) without = j;
            }
            if (without < 0 || functions.Count < 2) continue;
            foreach (int j in functions)
            {
                _siblingWithoutAcs[j] = j == without ? FirstOther(functions, j) : without;
                if (j != without) Union(j, without, GroupJoinKind.MultiFunctionWithoutAcs);
            }
        }

        static int FirstOther(List<int> functions, int j) => functions.Find(f => f != j);
    }

    private void JoinBelowNonIsolatingBridges()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            int top = -1;
            for (int b = _nodes[i].UpstreamIndex; b >= 0; b = _nodes[b].UpstreamIndex)
                if (!Isolates(b)) top = b;
            if (top < 0) continue;
            var t = _nodes[top];
            var (kind, culprit) = t.Kind switch
            {
                FunctionKind.RootPort or FunctionKind.SwitchDownstreamPort =>
                    (GroupJoinKind.BelowNonIsolatingPort, _enforces[top] ? _nodes[_siblingWithoutAcs[top]].Address : (Sbdf?)null),
                FunctionKind.SwitchUpstreamPort => (GroupJoinKind.SwitchBusNotIsolated, _nodes[SwitchCulprit(top)].Address),
                _ => (GroupJoinKind.BehindConventionalBridge, (Sbdf?)null),
            };
            Union(i, top, kind, culprit);
        }
    }

    /// <summary>Whether a bridge keeps peer-to-peer traffic on the bus below it from bypassing the IOMMU.</summary>
    private bool Isolates(int b)
    {
        var node = _nodes[b];
        return node.Kind switch
        {
            FunctionKind.RootPort or FunctionKind.SwitchDownstreamPort => _enforces[b] && _siblingWithoutAcs[b] < 0,
            FunctionKind.SwitchUpstreamPort => SwitchCulprit(b) < 0,
            _ => false,
        };
    }

    /// <summary>The first function on a switch's internal bus that is not a downstream port enforcing ACS without aliases; -1 if none.</summary>
    private int SwitchCulprit(int usp)
    {
        if (_switchCulprit[usp] != -2) return _switchCulprit[usp];
        var node = _nodes[usp];
        int culprit = -1;
        foreach (int j in _topology.OnBus(node.Address.Segment, node.Facts.SecondaryBus))
        {
            var f = _nodes[j];
            if (f.UpstreamIndex != usp) continue;
            if (f.Kind != FunctionKind.SwitchDownstreamPort || !_enforces[j] || DmaAliasQuirks.HasAliases(f)) { culprit = j; break; }
        }
        return _switchCulprit[usp] = culprit;
    }

    private void JoinVirtualFunctions()
    {
        // VFs come after their PF's other VFs in canonical order: look each PF up once, not once per VF.
        Sbdf lastPf = default;
        int p = -1;
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].PhysicalFunction is not { } pf) continue;
            if (p < 0 || pf != lastPf) { p = _topology.IndexOf(pf); lastPf = pf; }
            if (!_enforces[p]) Union(i, p, GroupJoinKind.VirtualFunctionWithoutPfAcs);
        }
    }

    private void JoinAliases()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (node.PhantomRequesterIds.IsEmpty && !DmaAliasQuirks.HasAliases(node)) continue;
            foreach (byte devfn in DmaAliasQuirks.AliasDevFns(node)) JoinIfPresent(i, new Sbdf(node.Address.Segment, node.Address.Bus, devfn));
            foreach (var rid in node.PhantomRequesterIds) JoinIfPresent(i, Sbdf.FromRequesterId(node.Address.Segment, rid));
        }

        void JoinIfPresent(int i, Sbdf alias)
        {
            int j = _topology.IndexOf(alias);
            if (j >= 0 && j != i) Union(i, j, GroupJoinKind.DmaAlias);
        }
    }

    private void Union(int member, int via, GroupJoinKind kind, Sbdf? culprit = null)
    {
        int a = Find(member), b = Find(via);
        if (a == b && kind != GroupJoinKind.MultiFunctionWithoutAcs) return;
        _joins.Add(new GroupJoin(kind, _nodes[member].Address, _nodes[via].Address, culprit));
        _joinMembers.Add(member);
        if (a != b) _parent[Math.Max(a, b)] = Math.Min(a, b);
    }

    private int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }
        return i;
    }
}
