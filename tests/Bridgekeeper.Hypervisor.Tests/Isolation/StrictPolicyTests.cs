using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Support.SyntheticFunctions;

namespace Bridgekeeper.Hypervisor.Tests.Isolation;

public sealed class StrictPolicyTests
{
    private static string[] GroupOf(IsolationGroups g, string f) => [.. g.GroupOf(Sbdf.Parse(f)).Members.Select(m => m.ToShortString())];

    /// <summary>Root port 00:01.0 (ACS) - switch 01:00.0 - DSPs 02:00.0 and 02:01.0 - endpoints 03:00.0 and 04:00.0.</summary>
    private static PciTopology Switch(ushort dspAControl, ushort dspBControl) => PciTopology.FromFunctions(
    [
        Pcie("00:01.0", PciePortType.RootPort, RequiredAcs, secondary: 1, subordinate: 4),
        Pcie("01:00.0", PciePortType.UpstreamPort, secondary: 2, subordinate: 4),
        Pcie("02:00.0", PciePortType.DownstreamPort, dspAControl, secondary: 3, subordinate: 3),
        Pcie("02:01.0", PciePortType.DownstreamPort, dspBControl, secondary: 4, subordinate: 4),
        Pcie("03:00.0", PciePortType.Endpoint),
        Pcie("04:00.0", PciePortType.Endpoint),
    ]);

    [Fact]
    public void Switch_with_one_downstream_port_lacking_upstream_forwarding_is_one_group()
    {
        var t = Switch(dspAControl: 0x000D, dspBControl: RequiredAcs);

        var strict = IsolationGroupBuilder.Build(t, GroupingPolicy.Strict);
        var linux = IsolationGroupBuilder.Build(t, GroupingPolicy.Linux);

        Assert.Equal(["01:00.0", "02:00.0", "02:01.0", "03:00.0", "04:00.0"], GroupOf(strict, "04:00.0"));
        Assert.Equal(["00:01.0"], GroupOf(strict, "00:01.0"));
        Assert.Contains("switch 01:00.0, whose internal bus is not isolated: downstream port 02:00.0 has ACS Upstream Forwarding off",
            strict.GroupOf(Sbdf.Parse("04:00.0")).Reason);
        // Linux's legacy walk gives the endpoint behind the ACS port a private group that traffic from 03:00.0 can bypass.
        Assert.Equal(["04:00.0"], GroupOf(linux, "04:00.0"));
        Assert.Equal(["02:00.0", "03:00.0"], GroupOf(linux, "03:00.0"));
    }

    [Fact]
    public void Switch_whose_downstream_ports_all_enforce_acs_isolates_every_endpoint()
    {
        var strict = IsolationGroupBuilder.Build(Switch(RequiredAcs, RequiredAcs), GroupingPolicy.Strict);

        Assert.Equal(6, strict.Groups.Length);
        Assert.Equal("04:00.0 is alone: every port above it enforces ACS and every switch bus on the way is isolated", strict.GroupOf(Sbdf.Parse("04:00.0")).Reason);
    }

    [Fact]
    public void Multifunction_root_ports_with_one_acs_function_share_everything_under_strict()
    {
        var t = PciTopology.FromFunctions(
        [
            Pcie("00:1d.0", PciePortType.RootPort, multiFunction: true, secondary: 1, subordinate: 1),
            Pcie("00:1d.1", PciePortType.RootPort, secondary: 2, subordinate: 2),
            Pcie("00:1d.2", PciePortType.RootPort, RequiredAcs, secondary: 3, subordinate: 3),
            Pcie("01:00.0", PciePortType.Endpoint),
            Pcie("02:00.0", PciePortType.Endpoint),
            Pcie("03:00.0", PciePortType.Endpoint),
        ]);

        var strict = IsolationGroupBuilder.Build(t, GroupingPolicy.Strict);
        var linux = IsolationGroupBuilder.Build(t, GroupingPolicy.Linux);

        Assert.Single(strict.Groups);
        Assert.Contains("00:1d.0, 00:1d.1 and 00:1d.2 are multifunction root port functions without an ACS capability", strict.Groups[0].Reason);
        Assert.Equal(["00:1d.2"], GroupOf(linux, "00:1d.2"));
        Assert.Equal(["03:00.0"], GroupOf(linux, "03:00.0"));
        Assert.Equal(["00:1d.0", "00:1d.1", "01:00.0", "02:00.0"], GroupOf(linux, "00:1d.0"));
    }

    [Fact]
    public void Vfs_of_a_pf_without_acs_join_the_pf_under_strict_but_not_under_linux()
    {
        var pf = Pcie("01:00.0", PciePortType.Endpoint, numVfs: 3, flr: true, vendor: 0x1b36, device: 0x0010);
        var t = PciTopology.FromFunctions([Pcie("00:02.0", PciePortType.RootPort, RequiredAcs, secondary: 1, subordinate: 1), pf, .. VirtualFunctions(pf)]);

        Assert.Equal(["01:00.0", "01:00.1", "01:00.2", "01:00.3"], GroupOf(IsolationGroupBuilder.Build(t, GroupingPolicy.Strict), "01:00.2"));
        Assert.Equal(["01:00.2"], GroupOf(IsolationGroupBuilder.Build(t, GroupingPolicy.Linux), "01:00.2"));
    }

    [Fact]
    public void Vfs_of_a_pf_that_enforces_acs_stay_separate_under_strict()
    {
        var pf = Pcie("01:00.0", PciePortType.Endpoint, RequiredAcs, numVfs: 2);
        var t = PciTopology.FromFunctions([Pcie("00:02.0", PciePortType.RootPort, RequiredAcs, secondary: 1, subordinate: 1), pf, .. VirtualFunctions(pf)]);

        Assert.Equal(["01:00.1"], GroupOf(IsolationGroupBuilder.Build(t, GroupingPolicy.Strict), "01:00.1"));
    }

    [Fact]
    public void Pcie_to_pci_bridge_and_everything_behind_it_form_one_group_under_both_policies()
    {
        var t = PciTopology.FromFunctions(
        [
            Pcie("00:02.0", PciePortType.RootPort, RequiredAcs, secondary: 1, subordinate: 2),
            Pcie("01:00.0", PciePortType.PcieToPciBridge, secondary: 2, subordinate: 2, device: 0x000e),
            Conventional("02:01.0"),
            Conventional("02:02.0"),
        ]);

        foreach (var policy in new[] { GroupingPolicy.Linux, GroupingPolicy.Strict })
            Assert.Equal(["01:00.0", "02:01.0", "02:02.0"], GroupOf(IsolationGroupBuilder.Build(t, policy), "02:02.0"));
    }

    [Fact]
    public void Root_port_without_acs_takes_its_subtree_with_a_reason()
    {
        var t = PciTopology.FromFunctions(
        [
            Pcie("00:03.0", PciePortType.RootPort, secondary: 1, subordinate: 1),
            Pcie("01:00.0", PciePortType.Endpoint),
        ]);

        var g = IsolationGroupBuilder.Build(t, GroupingPolicy.Strict).GroupOf(Sbdf.Parse("01:00.0"));

        Assert.Equal("00:03.0 and 01:00.0 share a group: 01:00.0 is below root port 00:03.0, which has no ACS capability", g.Reason);
    }

    [Fact]
    public void Intel_rciep_quirk_isolates_multifunction_rcieps_that_have_no_acs()
    {
        var t = PciTopology.FromFunctions(
        [
            Pcie("00:14.0", PciePortType.RCiEP, multiFunction: true, vendor: 0x8086, device: 0xa0ed),
            Pcie("00:14.2", PciePortType.RCiEP, vendor: 0x8086, device: 0xa0ef),
            Pcie("00:15.0", PciePortType.RCiEP, multiFunction: true, vendor: 0x1234, device: 0x0001),
            Pcie("00:15.1", PciePortType.RCiEP, vendor: 0x1234, device: 0x0002),
        ]);

        foreach (var policy in new[] { GroupingPolicy.Linux, GroupingPolicy.Strict })
        {
            var g = IsolationGroupBuilder.Build(t, policy);
            Assert.Equal(["00:14.0"], GroupOf(g, "00:14.0"));
            Assert.Equal(["00:15.0", "00:15.1"], GroupOf(g, "00:15.1"));
        }
    }

    [Fact]
    public void Multifunction_endpoint_quirk_isolates_functions_of_a_listed_intel_nic()
    {
        // Intel I350 (8086:1521) is in Linux's pci_quirk_mf_endpoint_acs list.
        var t = PciTopology.FromFunctions(
        [
            Pcie("00:02.0", PciePortType.RootPort, RequiredAcs, secondary: 1, subordinate: 1),
            Pcie("01:00.0", PciePortType.Endpoint, multiFunction: true, vendor: 0x8086, device: 0x1521),
            Pcie("01:00.1", PciePortType.Endpoint, multiFunction: true, vendor: 0x8086, device: 0x1521),
        ]);

        var linux = IsolationGroupBuilder.Build(t, GroupingPolicy.Linux);
        Assert.Equal(["01:00.0"], GroupOf(linux, "01:00.0"));
        Assert.Equal(["01:00.1"], GroupOf(linux, "01:00.1"));
    }
}
