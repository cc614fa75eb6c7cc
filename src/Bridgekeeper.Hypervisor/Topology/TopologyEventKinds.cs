namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>Timeline event kinds the topology registry emits (the <c>kind</c> field of <c>--json</c>).</summary>
public static class TopologyEventKinds
{
    /// <summary>A hardware-domain report (host bridge, device add/remove/reset) and the answer given.</summary>
    public const string PhysdevReport = "physdev-report";
    /// <summary>A report refused because it contradicts ECAM or an earlier report.</summary>
    public const string PhysdevRefused = "physdev-refused";
    /// <summary>Something the rebuilt tree shows that the reports do not (never reported, moved bus numbers, held VF).</summary>
    public const string TopologyFinding = "topology-finding";
}
