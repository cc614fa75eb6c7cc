using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Pci.Tests.Inspection;

public class BusTreeTests
{
    private static FunctionReport Function(string sbdf, BridgeReport? bridge = null) =>
        new(sbdf, 0x8086, 0x1234, bridge is null ? 0x020000 : 0x060400, bridge is null ? 0 : 1, false, [], null, bridge, null, null, null, []);

    [Fact]
    public void Bridges_hold_the_functions_on_their_secondary_bus()
    {
        var tree = BusTree.Build(
        [
            Function("0000:00:00.0"),
            Function("0000:00:1c.0", new BridgeReport(0, 2, 3, 0)),
            Function("0000:02:00.0", new BridgeReport(2, 3, 3, 0)),
            Function("0000:03:00.0"),
            Function("0001:00:00.0"),
        ]);
        Assert.Equal([(0u, 0), (1u, 0)], tree.Roots.Select(r => (r.Segment, r.Bus)));
        var port = tree.Roots[0].Functions[1];
        Assert.Equal("0000:02:00.0", port.Secondary!.Functions.Single().Function.Sbdf);
        Assert.Equal("0000:03:00.0", port.Secondary.Functions[0].Secondary!.Functions.Single().Function.Sbdf);
        Assert.Empty(tree.Warnings);
    }

    [Fact]
    public void A_bus_claimed_twice_or_a_bridge_pointing_back_up_is_a_warning_not_a_loop()
    {
        var tree = BusTree.Build(
        [
            Function("0000:00:01.0", new BridgeReport(0, 1, 1, 0)),
            Function("0000:00:02.0", new BridgeReport(0, 1, 1, 0)),
            Function("0000:01:00.0", new BridgeReport(1, 0, 0, 0)),
            Function("0000:01:01.0", new BridgeReport(1, 1, 1, 0)),
        ]);
        Assert.Single(tree.Roots);
        Assert.Contains(tree.Warnings, w => w.Contains("also claimed"));
        Assert.Contains(tree.Warnings, w => w.Contains("not below"));
    }

    [Fact]
    public void Real_dump_tree_attaches_every_function_once()
    {
        var report = FunctionInspector.Inspect(LspciDumpReader.Read(ReferenceData.PathOf("lspci", "tree-fujitsu-p8010.dump")));
        var tree = BusTree.Build(report.Functions);
        var seen = new List<string>();
        void Walk(BusNode bus)
        {
            foreach (var n in bus.Functions)
            {
                seen.Add(n.Function.Sbdf);
                if (n.Secondary is { } s) Walk(s);
            }
        }
        foreach (var r in tree.Roots) Walk(r);
        Assert.Equal(report.Functions.Select(f => f.Sbdf).Order(), seen.Order());
        Assert.Single(tree.Roots); // lspci -tv shows one root, [0000:00]
    }
}
