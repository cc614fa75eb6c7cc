using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Hypervisor.Tests.Topology;

public sealed class TopologyRegistryTests
{
    private static readonly HostBridge Host = new(0, 0x00, 0xFF, 0xE000_0000);

    private static (TopologyRegistry Registry, DictionaryEcam Ecam, RecordingSink Sink, List<FunctionConfig> Functions) Machine(string topology, string phase)
    {
        var functions = ReferenceTopologies.Load(topology, phase);
        var ecam = new DictionaryEcam(functions);
        var sink = new RecordingSink();
        return (new TopologyRegistry(ecam, sink, new FixedClock()), ecam, sink, functions);
    }

    private static void ReportAll(TopologyRegistry registry, IEnumerable<FunctionConfig> functions)
    {
        foreach (var f in functions)
        {
            var flags = f.PhysicalFunction is null ? PhysdevDeviceFlags.None : PhysdevDeviceFlags.VirtualFunction;
            registry.ReportDeviceAdd(f.Address, flags, f.PhysicalFunction, null);
        }
    }

    /// <summary>Each node with its kind and upstream bridge, in canonical order: two equal strings are the same tree.</summary>
    private static string Shape(PciTopology t) =>
        string.Join("\n", t.Nodes.Select(n => $"{n.Address} {n.Kind} up={n.UpstreamBridge} pf={n.PhysicalFunction} mf={n.IsMultiFunction} ari={n.IsAriFunction}"));

    [Theory]
    [InlineData("g_sriov", "drivers")]
    [InlineData("d_pci_bridges", "boot")]
    [InlineData("b_mf_rootports", "boot")]
    [InlineData("i_aer_native", "drivers")]
    public void Rebuilt_tree_equals_the_tree_of_the_imported_functions(string topology, string phase)
    {
        var (registry, _, _, functions) = Machine(topology, phase);
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        ReportAll(registry, functions);

        var expected = PciTopology.FromFunctions(functions, [Host]);
        Assert.Equal(Shape(expected), Shape(registry.Topology));
        Assert.Empty(registry.Findings);
        Assert.All(registry.Reports, r => Assert.Equal("OK", r.Result.Code));
    }

    [Fact]
    public void Report_order_never_changes_the_tree_or_the_groups()
    {
        var functions = ReferenceTopologies.Load("g_sriov", "drivers");
        var reference = PciTopology.FromFunctions(functions, [Host]);
        string expectedShape = Shape(reference);
        string expectedGroups = ReferenceTopologies.Canonical(IsolationGroupBuilder.Build(reference, GroupingPolicy.Linux).Groups.Select(g => g.Members.AsEnumerable()));
        // Reports: the host bridge (index -1) and every function, in any order.
        Gen.Shuffle(Enumerable.Range(-1, functions.Count + 1).ToArray()).Sample(order =>
        {
            var ecam = new DictionaryEcam(functions);
            var registry = new TopologyRegistry(ecam, new RecordingSink(), new FixedClock());
            foreach (int i in order)
            {
                if (i < 0) registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
                else ReportAll(registry, [functions[i]]);
            }
            return Shape(registry.Topology) == expectedShape
                && ReferenceTopologies.Canonical(registry.Groups(GroupingPolicy.Linux).Groups.Select(g => g.Members.AsEnumerable())) == expectedGroups
                && registry.Findings.IsEmpty;
        }, iter: 200);
    }

    [Fact]
    public void Absent_device_is_refused_recorded_and_emitted()
    {
        var (registry, _, sink, _) = Machine("a_rootports", "boot");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        var absent = Sbdf.Parse("0000:00:09.0");

        var result = registry.ReportDeviceAdd(absent, PhysdevDeviceFlags.None, null, null);

        Assert.False(result.Accepted);
        Assert.Equal("ENODEV", result.Code);
        Assert.Equal(result, registry.Reports[^1].Result);
        Assert.Contains(sink.Events, e => e.Kind == TopologyEventKinds.PhysdevRefused && e.Device == absent);
        Assert.DoesNotContain(absent, registry.ReportedFunctions);
    }

    [Fact]
    public void Regular_function_reported_as_a_vf_is_refused_as_wrong_type()
    {
        var (registry, _, _, _) = Machine("g_sriov", "drivers");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);

        var notSriov = registry.ReportDeviceAdd(Sbdf.Parse("0000:03:00.0"), PhysdevDeviceFlags.VirtualFunction, Sbdf.Parse("0000:00:04.0"), null);
        var outOfRange = registry.ReportDeviceAdd(Sbdf.Parse("0000:01:00.7"), PhysdevDeviceFlags.VirtualFunction, Sbdf.Parse("0000:01:00.0"), null);

        Assert.Equal(("EINVAL", false), (notSriov.Code, notSriov.Accepted));
        Assert.Contains("no SR-IOV capability", notSriov.Reason);
        Assert.Equal(("EINVAL", false), (outOfRange.Code, outOfRange.Accepted));
        Assert.Contains("not one of the 4 VFs", outOfRange.Reason);
    }

    [Fact]
    public void Vf_reported_before_its_pf_is_held_and_placed_once_the_pf_arrives()
    {
        var (registry, _, _, functions) = Machine("g_sriov", "drivers");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        var vf = Sbdf.Parse("0000:01:00.2");
        var pf = Sbdf.Parse("0000:01:00.0");

        var early = registry.ReportDeviceAdd(vf, PhysdevDeviceFlags.VirtualFunction, pf, null);
        Assert.Equal(("PENDING", true), (early.Code, early.Accepted));
        Assert.Contains(registry.Findings, f => f.Contains($"VF {vf} was reported but its PF {pf} never was", StringComparison.Ordinal)
            || f.Contains(pf.ToString(), StringComparison.Ordinal));

        ReportAll(registry, functions.Where(f => f.Address != vf));
        Assert.Empty(registry.Findings);
        Assert.Equal(pf, registry.Topology[vf].PhysicalFunction);
    }

    [Fact]
    public void Bridge_never_reported_is_a_finding_and_still_in_the_tree()
    {
        var (registry, _, sink, functions) = Machine("d_pci_bridges", "boot");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        var bridge = Sbdf.Parse("0000:03:02.0");
        ReportAll(registry, functions.Where(f => f.Address != bridge));

        Assert.Contains($"bridge {bridge} is in ECAM below a reported host bridge but was never reported", registry.Findings);
        Assert.Equal(bridge, registry.Topology[Sbdf.Parse("0000:04:01.0")].UpstreamBridge);
        Assert.Contains(sink.Events, e => e.Kind == TopologyEventKinds.TopologyFinding && e.Text.Contains(bridge.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Function_outside_every_reported_host_bridge_is_pending_then_a_finding()
    {
        var (registry, _, _, _) = Machine("a_rootports", "boot");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0x03);
        var beyond = Sbdf.Parse("0000:05:00.0");

        var result = registry.ReportDeviceAdd(beyond, PhysdevDeviceFlags.None, null, null);

        Assert.Equal(("PENDING", true), (result.Code, result.Accepted));
        Assert.Contains($"{beyond} was reported but no reported host bridge decodes it", registry.Findings);
    }

    [Fact]
    public void Bus_numbers_that_moved_after_a_reset_are_a_finding()
    {
        var (registry, ecam, _, functions) = Machine("a_rootports", "boot");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        ReportAll(registry, functions);
        Assert.Empty(registry.Findings);
        var port = Sbdf.Parse("0000:00:08.0");

        ecam.Functions[port].Write(ConfigHeader.SecondaryBus, 1, 0x40);
        ecam.Functions[port].Write(ConfigHeader.SubordinateBus, 1, 0x40);
        registry.ReportDeviceReset(port);

        Assert.Contains(registry.Findings, f => f.StartsWith($"bridge {port} bus numbers moved from", StringComparison.Ordinal));
    }

    [Fact]
    public void Overlapping_host_bridge_is_refused()
    {
        var (registry, _, _, _) = Machine("a_rootports", "boot");
        Assert.True(registry.ReportHostBridge(0xE000_0000, 0, 0x00, 0x7F).Accepted);

        var overlap = registry.ReportHostBridge(0xF000_0000, 0, 0x40, 0xFF);

        Assert.Equal(("EEXIST", false), (overlap.Code, overlap.Accepted));
        Assert.Single(registry.HostBridges);
    }

    [Fact]
    public void Removed_function_that_still_answers_stays_in_the_tree()
    {
        var (registry, _, _, functions) = Machine("a_rootports", "boot");
        registry.ReportHostBridge(Host.EcamBase, 0, 0, 0xFF);
        ReportAll(registry, functions);
        var ep = Sbdf.Parse("0000:01:00.0");

        Assert.True(registry.ReportDeviceRemove(ep).Accepted);

        Assert.True(registry.Topology.Contains(ep));
        Assert.Contains($"{ep} was reported removed but still answers in ECAM; it stays in the tree", registry.Findings);
        Assert.Equal("ENODEV", registry.ReportDeviceRemove(ep).Code);
    }
}
