using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Isolation;

public sealed class GroupReasonTests
{
    private static IsolationGroups Linux(string topology, string phase) =>
        IsolationGroupBuilder.Build(PciTopology.FromFunctions(ReferenceTopologies.Load(topology, phase)), GroupingPolicy.Linux);

    [Fact]
    public void Multifunction_root_ports_without_acs_are_named_in_the_reason()
    {
        var g = Linux("b_mf_rootports", "boot").GroupOf(Sbdf.Parse("0000:00:1d.3"));

        Assert.StartsWith("00:1d.0, 00:1d.1, 00:1d.3, 07:00.0, 08:00.0 and 0a:00.0 share a group: ", g.Reason);
        Assert.Contains("00:1d.0, 00:1d.1 and 00:1d.3 are multifunction root port functions without an ACS capability", g.Reason);
        Assert.Contains("07:00.0 is below root port 00:1d.0, where the path to the root is not ACS-isolated (00:1d.0 has no ACS capability)", g.Reason);
    }

    [Fact]
    public void Devices_behind_a_pcie_to_pci_bridge_are_explained_by_the_bridge_alias()
    {
        var g = Linux("d_pci_bridges", "boot").GroupOf(Sbdf.Parse("0000:02:02.0"));

        Assert.Contains("02:01.0, 02:02.0 and 02:03.0 are behind PCIe-to-PCI bridge 01:00.0, so their DMA carries the bridge's requester ID", g.Reason);
    }

    [Fact]
    public void A_lone_function_says_why_it_is_alone()
    {
        var groups = Linux("g_sriov", "drivers");

        Assert.Equal("00:02.0 is alone: a single-function device on the root bus", groups.GroupOf(Sbdf.Parse("0000:00:02.0")).Reason);
        Assert.Equal("01:00.3 is alone: a VF of 01:00.0 whose path to the root is ACS-isolated (Linux trusts the device not to route between its VFs)",
            groups.GroupOf(Sbdf.Parse("0000:01:00.3")).Reason);
    }
}
