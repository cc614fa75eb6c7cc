using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Resets;
using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Hypervisor.Tests.Resets;

public sealed class ResetScopeBuilderTests
{
    private static PciTopology Load(string topology, string phase) => PciTopology.FromFunctions(ReferenceTopologies.Load(topology, phase));

    private static Dictionary<Sbdf, FunctionResetScope<DomainId>> Scopes(PciTopology t, Func<Sbdf, DomainId>? owner = null) =>
        ResetScopeBuilder.Build(t, owner ?? (_ => DomainId.Hardware)).ToDictionary(s => s.Function);

    [Theory]
    [InlineData("g_sriov", "drivers")]
    [InlineData("a_rootports", "boot")]
    [InlineData("b_mf_rootports", "boot")]
    [InlineData("i_aer_native", "drivers")]
    public void Flr_is_offered_exactly_where_linux_lists_flr_as_a_reset_method(string topology, string phase)
    {
        var scopes = Scopes(Load(topology, phase));
        string links = ReferenceData.PathOf("linux-groups", topology, $"sysfs-{phase}", "bus", "pci", "devices");
        int checkedFunctions = 0;
        foreach (var link in Directory.EnumerateFiles(links))
        {
            string device = Path.GetFullPath(Path.Combine(links, File.ReadAllText(link).Trim()));
            string methods = Path.Combine(device, "reset_method");
            if (!File.Exists(methods)) continue;
            bool linuxFlr = File.ReadAllText(methods).Split(' ', StringSplitOptions.TrimEntries).Contains("flr");
            var scope = scopes[Sbdf.Parse(Path.GetFileName(link))];
            Assert.True(linuxFlr == (scope.Find(ResetMethodKind.FunctionLevelReset) is not null), $"{scope.Function}: Linux flr={linuxFlr}");
            checkedFunctions++;
        }
        Assert.True(checkedFunctions > 0);
    }

    [Fact]
    public void Vf_flr_touches_only_the_vf_but_pf_flr_takes_its_vfs_along()
    {
        var scopes = Scopes(Load("g_sriov", "drivers"));
        var pf = Sbdf.Parse("0000:01:00.0");

        var vfFlr = scopes[Sbdf.Parse("0000:01:00.2")].Find(ResetMethodKind.FunctionLevelReset)!;
        var pfFlr = scopes[pf].Find(ResetMethodKind.FunctionLevelReset)!;

        Assert.Equal([Sbdf.Parse("0000:01:00.2")], vfFlr.Touched.Select(t => t.Function));
        Assert.Equal(["0000:01:00.0", "0000:01:00.1", "0000:01:00.2", "0000:01:00.3", "0000:01:00.4"], pfFlr.Touched.Select(t => t.Function.ToString()));
    }

    [Fact]
    public void Secondary_bus_reset_touches_the_whole_subtree_below_the_upstream_bridge_with_owners()
    {
        var t = Load("d_pci_bridges", "boot");
        var guest = new DomainId(3);
        var scopes = Scopes(t, f => f == Sbdf.Parse("0000:04:01.0") ? guest : DomainId.Hardware);

        var sbr = scopes[Sbdf.Parse("0000:03:01.0")].Find(ResetMethodKind.SecondaryBusReset)!;

        Assert.Equal(Sbdf.Parse("0000:00:03.0"), sbr.Via);
        Assert.Equal(["0000:03:01.0", "0000:03:02.0", "0000:04:01.0"], sbr.Touched.Select(x => x.Function.ToString()).Order());
        Assert.Equal([DomainId.Hardware, guest], sbr.Owners);
    }

    [Fact]
    public void Root_bus_functions_have_no_bus_reset_and_slot_reset_needs_a_power_controller()
    {
        var scopes = Scopes(Load("a_rootports", "boot"));

        Assert.Null(scopes[Sbdf.Parse("0000:00:1f.2")].Find(ResetMethodKind.SecondaryBusReset));
        // QEMU's pcie-root-port 00:02.0 has a power controller (lspci: SltCap PwrCtrl+).
        var slot = scopes[Sbdf.Parse("0000:01:00.0")].Find(ResetMethodKind.SlotReset);
        Assert.NotNull(slot);
        Assert.Equal(Sbdf.Parse("0000:00:02.0"), slot.Via);
    }

    [Fact]
    public void Reset_scope_and_isolation_group_are_different_sets()
    {
        var t = Load("d_pci_bridges", "boot");
        var group = IsolationGroupBuilder.Build(t, GroupingPolicy.Linux).GroupOf(Sbdf.Parse("0000:02:01.0"));
        var sbr = Scopes(t)[Sbdf.Parse("0000:02:01.0")].Find(ResetMethodKind.SecondaryBusReset)!;

        // The group holds the PCIe-to-PCI bridge 01:00.0 itself; its secondary bus reset does not reset it.
        Assert.Contains(Sbdf.Parse("0000:01:00.0"), group.Members);
        Assert.DoesNotContain(Sbdf.Parse("0000:01:00.0"), sbr.Touched.Select(x => x.Function));
    }
}
