using System.Collections.Immutable;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The report's view of the hypervisor's state at the end of a run: the rebuilt tree (host bridges
/// and functions), each function's isolation group and owner, and the secondary-bus reset scope of
/// every port that has functions below it. Names come from the platform description.
/// </summary>
public static class TopologySnapshotAdapter
{
    public static TopologySnapshot From(PciTopology topology, IsolationGroups groups, TopologyViews views, OwnershipTable owners, SimulatedMachine machine)
    {
        var nodes = ImmutableArray.CreateBuilder<TopologyNodeView>();
        foreach (var hb in topology.HostBridges)
            nodes.Add(new TopologyNodeView(HostId(hb), null, TopologyNodeKind.HostBridge, $"segment {hb.Segment:x4} [{hb.StartBus:x2}-{hb.EndBus:x2}]", null, null, "d0"));
        foreach (var n in topology.Nodes)
        {
            string? parent = n.IsVirtualFunction && n.PhysicalFunction is { } pf ? pf.ToString()
                : topology.Upstream(n) is { } up ? up.Address.ToString()
                : HostId(n.HostBridge);
            int? group = groups.TryGroupOf(n.Address, out var g) ? g.Id : null;
            string name = machine.Find(n.Address)?.Name ?? n.Kind.ToString();
            nodes.Add(new TopologyNodeView(n.Address.ToString(), n.Address, KindOf(n), name, parent, group, OwnerText(owners.OwnerOf(n.Address))));
        }
        var groupViews = groups.Groups.Select(x => new GroupView(x.Id, x.Members, x.Reason)).ToImmutableArray();
        var scopes = ImmutableArray.CreateBuilder<ResetScopeView>();
        foreach (var n in topology.Nodes)
        {
            if (n.PortType is not (PciePortType.RootPort or PciePortType.DownstreamPort)) continue;
            var below = views.Below(n.Address);
            if (below.IsEmpty) continue;
            scopes.Add(new ResetScopeView($"sbr-{n.Address}", n.Address, "SBR", below));
        }
        return new TopologySnapshot(nodes.ToImmutable(), groupViews, scopes.ToImmutable());
    }

    private static string HostId(HostBridge hb) => $"hb-{hb.Segment:x4}";

    private static string OwnerText(Owner o) => o.Kind switch
    {
        OwnerKind.Guest => o.Domain.ToString(),
        OwnerKind.HardwareDomain => "d0",
        OwnerKind.Quarantine => "quarantine",
        _ => "broken",
    };

    private static TopologyNodeKind KindOf(TopologyNode n) => n.Kind switch
    {
        FunctionKind.VirtualFunction => TopologyNodeKind.VirtualFunction,
        FunctionKind.RootPort => TopologyNodeKind.RootPort,
        FunctionKind.SwitchUpstreamPort => TopologyNodeKind.SwitchUpstreamPort,
        FunctionKind.SwitchDownstreamPort => TopologyNodeKind.SwitchDownstreamPort,
        FunctionKind.PcieToPciBridge or FunctionKind.PciToPcieBridge or FunctionKind.PciBridge or FunctionKind.CardBusBridge => TopologyNodeKind.PciBridge,
        FunctionKind.RootComplexIntegratedEndpoint => TopologyNodeKind.IntegratedEndpoint,
        FunctionKind.RootComplexEventCollector => TopologyNodeKind.EventCollector,
        FunctionKind.LegacyEndpoint or FunctionKind.ConventionalFunction => TopologyNodeKind.LegacyEndpoint,
        _ => TopologyNodeKind.Endpoint,
    };
}
