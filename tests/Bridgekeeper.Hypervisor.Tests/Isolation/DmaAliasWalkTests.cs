using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Support.SyntheticFunctions;

namespace Bridgekeeper.Hypervisor.Tests.Isolation;

/// <summary>The Requester IDs a function's DMA may carry, after Linux's <c>pci_for_each_dma_alias</c>.</summary>
public class DmaAliasWalkTests
{
    private static IReadOnlyList<Sbdf> AliasesOf(string function, params FunctionConfig[] functions) =>
        DmaAliasWalk.AliasesOf(PciTopology.FromFunctions(functions), Sbdf.Parse(function));

    [Fact]
    public void Behind_a_pcie_to_pci_bridge_dma_carries_the_secondary_bus_and_devfn_0()
    {
        var aliases = AliasesOf("02:01.0",
            Pcie("00:01.0", PciePortType.RootPort, AllAcs, secondary: 1, subordinate: 2),
            Pcie("01:00.0", PciePortType.PcieToPciBridge, secondary: 2, subordinate: 2, device: 0x000e),
            Conventional("02:01.0"));
        Assert.Equal([Sbdf.Parse("02:00.0")], aliases);
    }

    [Fact]
    public void Behind_a_conventional_bridge_dma_carries_the_bridge_id_and_then_the_pcie_bridge_alias_above()
    {
        var aliases = AliasesOf("03:04.0",
            Pcie("00:01.0", PciePortType.RootPort, AllAcs, secondary: 1, subordinate: 3),
            Pcie("01:00.0", PciePortType.PcieToPciBridge, secondary: 2, subordinate: 3, device: 0x000e),
            Conventional("02:05.0", bridge: true, secondary: 3, subordinate: 3),
            Conventional("03:04.0"));
        Assert.Equal([Sbdf.Parse("02:05.0"), Sbdf.Parse("02:00.0")], aliases);
    }

    [Fact]
    public void A_pci_to_pcie_bridge_substitutes_its_own_id()
    {
        var aliases = AliasesOf("02:00.0",
            Conventional("00:03.0", bridge: true, secondary: 1, subordinate: 2),
            Pcie("01:00.0", PciePortType.PciToPcieBridge, secondary: 2, subordinate: 2, device: 0x000f),
            Pcie("02:00.0", PciePortType.Endpoint));
        Assert.Equal([Sbdf.Parse("01:00.0"), Sbdf.Parse("00:03.0")], aliases);
    }

    [Fact]
    public void Root_and_switch_ports_forward_requester_ids_unchanged()
    {
        var aliases = AliasesOf("03:00.0",
            Pcie("00:01.0", PciePortType.RootPort, AllAcs, secondary: 1, subordinate: 3),
            Pcie("01:00.0", PciePortType.UpstreamPort, secondary: 2, subordinate: 3),
            Pcie("02:00.0", PciePortType.DownstreamPort, AllAcs, secondary: 3, subordinate: 3),
            Pcie("03:00.0", PciePortType.Endpoint));
        Assert.Empty(aliases);
    }

    [Fact]
    public void A_same_bus_dma_alias_quirk_is_an_alias_too()
    {
        // Marvell 88SE9123 SATA DMAs as function 1 of its slot (Linux quirk_dma_func1_alias).
        var aliases = AliasesOf("01:00.0",
            Pcie("00:01.0", PciePortType.RootPort, AllAcs, secondary: 1, subordinate: 1),
            Pcie("01:00.0", PciePortType.Endpoint, vendor: 0x1b4b, device: 0x9123));
        Assert.Equal([Sbdf.Parse("01:00.1")], aliases);
    }
}
