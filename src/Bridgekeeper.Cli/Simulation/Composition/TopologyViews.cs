using System.Collections.Immutable;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The rebuilt topology and its isolation groups, seen through the three narrow interfaces other parts
/// of the hypervisor ask for: assignment (groups and phantom functions), the AER handler (functions
/// below a root port, port types) and recovery (the reset scope of an error, chosen as Linux's
/// <c>pcie_do_recovery</c> does: the port itself for a Root or Downstream Port, else its upstream
/// bridge; the scope is that bridge's secondary hierarchy, PCIe Base 6.0 §7.5.1.3.13).
/// </summary>
public sealed class TopologyViews(TopologyRegistry registry, GroupingPolicy policy)
    : IAssignmentTopology, IErrorHierarchy, IRecoveryScopeProvider
{
    private PciTopology Topology => registry.Topology;

    public IsolationGroups Groups => registry.Groups(policy);

    public bool Contains(Sbdf function) => Topology.Contains(function);

    public AssignableGroup? GroupOf(Sbdf function) =>
        Groups.TryGroupOf(function, out var g) ? new AssignableGroup(g) : null;

    public IReadOnlyList<Sbdf> PhantomFunctionsOf(Sbdf function)
    {
        if (!Topology.TryGet(function, out var n) || n.PhantomRequesterIds.IsEmpty) return [];
        var phantoms = new List<Sbdf>(n.PhantomRequesterIds.Length);
        foreach (var rid in n.PhantomRequesterIds) phantoms.Add(Sbdf.FromRequesterId(function.Segment, rid));
        return phantoms;
    }

    public IReadOnlyList<Sbdf> FunctionsBelow(Sbdf rootPort)
    {
        if (!Topology.TryGet(rootPort, out var node)) return [];
        if (node.PortType == PciePortType.RCEC)
        {
            // The RCiEPs an RCEC collects for: every integrated endpoint on its root bus (§7.9.10, no association capability modelled).
            var list = new List<Sbdf>();
            foreach (var n in Topology.Nodes)
                if (n.Address.Segment == rootPort.Segment && n.IsRootBus && n.PortType == PciePortType.RCiEP) list.Add(n.Address);
            return list;
        }
        return Topology.Below(node);
    }

    public PciePortType PortTypeOf(Sbdf function) =>
        Topology.TryGet(function, out var n) && n.PortType is { } t ? t : PciePortType.Endpoint;

    public RecoveryScope ScopeOf(Sbdf function)
    {
        if (!Topology.TryGet(function, out var node)) return new RecoveryScope(function, [function]);
        var bridge = node.PortType is PciePortType.RootPort or PciePortType.DownstreamPort ? node
            : node.IsVirtualFunction && node.PhysicalFunction is { } pf && Topology.TryGet(pf, out var pfNode) ? Topology.Upstream(pfNode)
            : Topology.Upstream(node);
        if (bridge is null) return new RecoveryScope(function, [function]); // an RCiEP: only itself (FLR)
        return new RecoveryScope(bridge.Address, Topology.Below(bridge));
    }

    public ImmutableArray<Sbdf> Below(Sbdf bridge) => Topology.TryGet(bridge, out var n) ? Topology.Below(n) : [];
}
