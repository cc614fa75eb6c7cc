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

    public IReadOnlyList<Sbdf> FunctionsBelow(Sbdf rootPort) => Below(rootPort).List;

    public PciePortType PortTypeOf(Sbdf function) =>
        Topology.TryGet(function, out var n) && n.PortType is PciePortType t ? t : PciePortType.Endpoint;

    public RecoveryScope ScopeOf(Sbdf function)
    {
        var topology = Topology;
        var node = topology[function];
        var bridge = node.PortType is PciePortType.RootPort or PciePortType.DownstreamPort && node.IsBridge
            ? node
            : topology.Upstream(node) ?? throw new InvalidOperationException($"{function} sits on a root bus: no bridge can reset it (an RCiEP needs FLR)");
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
            var array = topology.Below(topology[bridge]);
            _below[bridge] = below = (array, array);
        }
        return below;
    }
}
