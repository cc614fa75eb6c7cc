using System.Collections.Immutable;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Error handling's and recovery's view of the topology snapshot: the functions below a root port
/// (for locating AER sources) and the reset scope of an erring function (Linux's choice in
/// <c>pcie_do_recovery</c>: the function itself when it is a Root or Downstream Port, otherwise its
/// upstream bridge; the SBR of that bridge resets everything below it). "Below" lists are cached per
/// snapshot, so the correctable-error path does not allocate.
/// </summary>
public sealed class TopologyRecoveryView(Func<PciTopology> current) : IErrorHierarchy, IRecoveryScopeProvider
{
    private PciTopology? _cachedFor;
    // Each list also kept as the IReadOnlyList it is handed out as, boxed once: the correctable-error
    // path asks for it on every error and must not box an ImmutableArray each time.
    private readonly Dictionary<Sbdf, (ImmutableArray<Sbdf> Array, IReadOnlyList<Sbdf> List)> _below = [];

    /// <summary>
    /// The functions an error message at <paramref name="rootPort"/> may come from: everything below a
    /// root port; for an RCEC, the RCiEPs of its root bus (PCIe Base 6.0 §6.2.4.1; Linux
    /// <c>pcie_walk_rcec</c>; no RCEC Endpoint Association bitmap narrows it on these platforms).
    /// </summary>
    public IReadOnlyList<Sbdf> FunctionsBelow(Sbdf rootPort) => Below(rootPort).List;

    public PciePortType PortTypeOf(Sbdf function) =>
        Topology.TryGet(function, out var n) && n.PortType is PciePortType t ? t : PciePortType.Endpoint;

    public RecoveryScope ScopeOf(Sbdf function)
    {
        var topology = Topology;
        var node = topology[function];
        // An RCiEP or RCEC (or anything on a root bus) has no bridge above it: it is reset alone, by FLR.
        if (node.PortType is PciePortType.RCiEP or PciePortType.RCEC) return RecoveryScope.FunctionLevel(function);
        var bridge = node.PortType is PciePortType.RootPort or PciePortType.DownstreamPort && node.IsBridge
            ? node
            : topology.Upstream(node);
        if (bridge is null) return RecoveryScope.FunctionLevel(function);
        return new RecoveryScope(bridge.Address, Below(bridge.Address).Array);
    }

    private PciTopology Topology
    {
        get
        {
            var t = current();
            if (!ReferenceEquals(t, _cachedFor)) { _below.Clear(); _cachedFor = t; }
            return t;
        }
    }

    private (ImmutableArray<Sbdf> Array, IReadOnlyList<Sbdf> List) Below(Sbdf bridge)
    {
        var topology = Topology;
        if (!_below.TryGetValue(bridge, out var below))
        {
            var node = topology[bridge];
            var array = node.PortType == PciePortType.RCEC ? RootComplexEndpointsBeside(topology, node) : topology.Below(node);
            _below[bridge] = below = (array, array);
        }
        return below;
    }
    private static System.Collections.Immutable.ImmutableArray<Sbdf> RootComplexEndpointsBeside(PciTopology topology, TopologyNode rcec)
    {
        var rciEps = System.Collections.Immutable.ImmutableArray.CreateBuilder<Sbdf>();
        foreach (int i in topology.OnBus(rcec.Address.Segment, rcec.Address.Bus))
            if (topology.Nodes[i].PortType == PciePortType.RCiEP) rciEps.Add(topology.Nodes[i].Address);
        return rciEps.ToImmutable();
    }
}
