using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// What the report draws of the machine at one moment: the rebuilt tree, the isolation groups and the
/// reset scopes, and who owns each function. A view model only: adapters fill it from the hypervisor's
/// topology, groups and ownership table, so the report never recomputes any of them.
/// </summary>
public sealed record TopologySnapshot(
    ImmutableArray<TopologyNodeView> Nodes,
    ImmutableArray<GroupView> Groups,
    ImmutableArray<ResetScopeView> ResetScopes)
{
    public static readonly TopologySnapshot Empty = new([], [], []);

    public TopologyNodeView? NodeAt(Sbdf address)
    {
        foreach (var n in Nodes)
        {
            if (n.Address == address) return n;
        }
        return null;
    }
}

/// <summary>One node of the tree: a host bridge (no address of its own) or a function.</summary>
public sealed record TopologyNodeView(
    string Id,
    Sbdf? Address,
    TopologyNodeKind Kind,
    string Label,
    string? ParentId,
    int? GroupId,
    string Owner);

public enum TopologyNodeKind
{
    HostBridge,
    RootPort,
    SwitchUpstreamPort,
    SwitchDownstreamPort,
    PciBridge,
    Endpoint,
    VirtualFunction,
    IntegratedEndpoint,
    EventCollector,
    LegacyEndpoint,
}

/// <summary>An isolation group: the functions that can only be assigned together, and why.</summary>
public sealed record GroupView(int Id, ImmutableArray<Sbdf> Members, string Reason);

/// <summary>What one reset touches: e.g. a secondary bus reset of <see cref="Trigger"/> resets every function below it.</summary>
public sealed record ResetScopeView(string Id, Sbdf Trigger, string Method, ImmutableArray<Sbdf> Members);
