using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;

namespace Bridgekeeper.Hypervisor.Tests.Isolation;

public sealed class LinuxReferenceGroupTests
{
    public static IEnumerable<object[]> Phases() => ReferenceTopologies.Phases();

    [Theory]
    [MemberData(nameof(Phases))]
    public void Linux_policy_partition_equals_the_kernels_groups(string topology, string phase)
    {
        var functions = ReferenceTopologies.Load(topology, phase);
        var kernel = ReferenceTopologies.KernelGroups(topology, phase);
        var grouped = kernel.Values.SelectMany(g => g).ToHashSet();

        var groups = IsolationGroupBuilder.Build(PciTopology.FromFunctions(functions), GroupingPolicy.Linux);

        // Only devices the kernel gave no group are left out of the comparison.
        var ours = groups.Groups.Select(g => g.Members.Where(grouped.Contains));
        Assert.Equal(ReferenceTopologies.Canonical(kernel.Values), ReferenceTopologies.Canonical(ours));
        Assert.Equal(functions.Count, groups.Groups.Sum(g => g.Members.Length));
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Reference_topologies_warn_only_about_the_switch_a_fatal_error_took_down(string topology, string phase)
    {
        var tree = PciTopology.FromFunctions(ReferenceTopologies.Load(topology, phase));
        // In round 14 a fatal error on the switch upstream port 03:00.0 left its bus numbers cleared and
        // everything below it reading all ones; every other phase is a consistent tree.
        if (topology == "i_aer_native" && phase == "inj14")
        {
            Assert.Contains(tree.Warnings, w => w.StartsWith("bridge 0000:03:00.0 has secondary bus 00", StringComparison.Ordinal));
            Assert.All(tree.Warnings, w => Assert.Matches("0000:0[3-6]:0[01]\\.0", w));
        }
        else
        {
            Assert.Empty(tree.Warnings);
        }
    }
}
