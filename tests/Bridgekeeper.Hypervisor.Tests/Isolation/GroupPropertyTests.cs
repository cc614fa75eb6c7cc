using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Hypervisor.Tests.Isolation;

public sealed class GroupPropertyTests
{
    private static IEnumerable<IEnumerable<Sbdf>> Partition(IsolationGroups g) => g.Groups.Select(x => x.Members.AsEnumerable());

    [Theory]
    [InlineData(GroupingPolicy.Linux)]
    [InlineData(GroupingPolicy.Strict)]
    public void Groups_partition_the_functions(GroupingPolicy policy)
    {
        RandomTopology.Functions.Sample(functions =>
        {
            var topology = PciTopology.FromFunctions(functions);
            var groups = IsolationGroupBuilder.Build(topology, policy);
            var members = groups.Groups.SelectMany(g => g.Members).ToList();
            return topology.Warnings.IsEmpty
                && members.Count == functions.Count
                && members.ToHashSet().SetEquals(functions.Select(f => f.Address))
                && functions.All(f => groups.GroupOf(f.Address).Members.Contains(f.Address));
        }, iter: 300);
    }

    [Theory]
    [InlineData(GroupingPolicy.Linux)]
    [InlineData(GroupingPolicy.Strict)]
    public void Dma_aliases_share_a_group(GroupingPolicy policy)
    {
        RandomTopology.Functions.Sample(functions =>
        {
            var topology = PciTopology.FromFunctions(functions);
            var groups = IsolationGroupBuilder.Build(topology, policy);
            foreach (var node in topology.Nodes)
            {
                var mine = groups.GroupOf(node.Address);
                foreach (byte devfn in DmaAliasQuirks.AliasDevFns(node))
                {
                    var alias = new Sbdf(node.Address.Segment, node.Address.Bus, devfn);
                    if (topology.Contains(alias) && !mine.Contains(alias)) return false;
                }
                // Behind a PCIe-to-PCI bridge DMA carries the bridge's ID: the bridge shares the group.
                for (var up = topology.Upstream(node); up is not null; up = topology.Upstream(up))
                    if (up.Kind == FunctionKind.PcieToPciBridge && !mine.Contains(up.Address)) return false;
            }
            return true;
        }, iter: 300);
    }

    [Theory]
    [InlineData(GroupingPolicy.Linux)]
    [InlineData(GroupingPolicy.Strict)]
    public void Groups_do_not_depend_on_the_order_functions_are_given(GroupingPolicy policy)
    {
        Gen.Select(RandomTopology.Functions, Gen.Int).Sample((functions, seed) =>
        {
            var shuffled = functions.OrderBy(f => HashCode.Combine(seed, f.Address)).ToList();
            var a = IsolationGroupBuilder.Build(PciTopology.FromFunctions(functions), policy);
            var b = IsolationGroupBuilder.Build(PciTopology.FromFunctions(shuffled), policy);
            return ReferenceTopologies.Canonical(Partition(a)) == ReferenceTopologies.Canonical(Partition(b))
                && a.Groups.Select(g => g.Reason).SequenceEqual(b.Groups.Select(g => g.Reason));
        }, iter: 200);
    }

    [Fact]
    public void Every_linux_group_lies_inside_one_strict_group()
    {
        RandomTopology.Functions.Sample(functions =>
        {
            var topology = PciTopology.FromFunctions(functions);
            var linux = IsolationGroupBuilder.Build(topology, GroupingPolicy.Linux);
            var strict = IsolationGroupBuilder.Build(topology, GroupingPolicy.Strict);
            return linux.Groups.All(g => g.Members.All(m => strict.GroupOf(g.Members[0]).Contains(m)));
        }, iter: 300);
    }
}
