using Bridgekeeper.Hypervisor.Topology;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>Computes isolation groups from a topology's config space and tree alone (never from an OS's iommu_group links).</summary>
public static class IsolationGroupBuilder
{
    public static IsolationGroups Build(PciTopology topology, GroupingPolicy policy) => policy switch
    {
        GroupingPolicy.Linux => LinuxDeviceGrouping.Build(topology),
        GroupingPolicy.Strict => StrictBusIsolation.Build(topology),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown grouping policy"),
    };
}
