using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>The composed hypervisor on the built-in Arm server: reports, groups, assignment, a real AER error shown to the guest.</summary>
public class SimulatedMachinePassthroughTests
{
    private static readonly DomainId Guest = new(1);

    // The hardware domain enables two VFs on the ConnectX-5 before it reports; they exist 100 ms later (SR-IOV §9.3.3.3.1).
    private static void EnableTwoConnectX5Vfs(SimulatedMachine m)
    {
        var pf = m["cx5"];
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.NumVfs, 2, 2);
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
        m.EventLoop.RunUntil(m.EventLoop.Now + SimTime.FromMilliseconds(100));
    }

    private static (SimulatedMachine Machine, Bridgekeeper.Hypervisor.Hypervisor Hypervisor, ListEventSink Events) Boot(Action<SimulatedMachine>? beforeReports = null)
    {
        var machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        beforeReports?.Invoke(machine);
        var events = new ListEventSink();
        var ports = new HypervisorPorts(machine.Config, machine.Iommu, machine.Gic, events, machine.EventLoop)
        {
            StreamIdOf = machine.StreamIdOf,
            ItsDeviceIdOf = machine.DeviceIdOf,
        };
        var hypervisor = new Bridgekeeper.Hypervisor.Hypervisor(ports, GroupingPolicy.Linux);
        foreach (var hb in machine.Fabric.HostBridges)
            Assert.True(hypervisor.Physdev!.ReportHostBridge(hb.EcamBase, hb.Segment, hb.StartBus, hb.EndBus).Accepted);
        foreach (var f in machine.Fabric.AllFunctions())
        {
            var flags = f.PhysicalFunction is null ? PhysdevDeviceFlags.None : PhysdevDeviceFlags.VirtualFunction;
            Assert.True(hypervisor.Physdev!.ReportDeviceAdd(f.Address, flags, f.PhysicalFunction?.Address, null).Accepted);
        }
        hypervisor.CreateGuest(Guest, new GuestOptions(ErrorNotification.VirtualRootPort));
        return (machine, hypervisor, events);
    }

    private static List<Sbdf> AssignableMembers(Bridgekeeper.Hypervisor.Hypervisor hypervisor, Sbdf function) =>
        hypervisor.Groups!.GroupOf(function).Members.Where(m => (hypervisor.Config.Read(m, ConfigHeader.HeaderType, 1) & 0x7F) == 0).ToList();

    [Fact]
    public void A_whole_group_goes_to_the_guest_with_its_iommu_context_and_a_virtual_view()
    {
        var (machine, hypervisor, _) = Boot();
        var cx5 = machine["cx5"].Address;
        var members = AssignableMembers(hypervisor, cx5);
        var result = hypervisor.Assign(Guest, members);
        Assert.True(result.Accepted, result.ToString());
        Assert.Equal(IommuContext.For(Guest), machine.Iommu.ContextOf(machine.StreamIdOf(cx5)));
        var view = hypervisor.GuestViewOf(cx5)!;
        Assert.Equal(machine.Config.Read(cx5, 0, 4), hypervisor.ConfigRead(Guest, view.VirtualAddress, 0, 4));
        Assert.Contains(hypervisor.ResetScopes(), s => s.Function == cx5);
    }

    [Fact]
    public void A_physical_error_is_shown_to_the_guest_through_its_virtual_root_port_and_interrupt()
    {
        var (machine, hypervisor, _) = Boot();
        var cx5 = machine["cx5"].Address;
        Assert.True(hypervisor.Assign(Guest, AssignableMembers(hypervisor, cx5)).Accepted);
        var view = hypervisor.GuestViewOf(cx5)!;
        var port = hypervisor.RootPortOf(cx5)!;
        hypervisor.ConfigWrite(Guest, view.VirtualAddress, view.PciExpressOffset!.Value + PciExpressCapability.DeviceControl, 2, 0x000F);
        hypervisor.ConfigWrite(Guest, port.VirtualAddress, 0x100 + AerCapability.RootErrorCommand, 4, 0x7);
        machine.InjectAerError(cx5, AerCapability.CompletionTimeout, correctable: false);
        int aer = machine["cx5"].AerCapability;
        var snapshot = hypervisor.WithConfigLock(p => AerErrorSnapshot.ReadPhysical(p, cx5, aer));
        Assert.Equal(VirtualErrorOutcome.InterruptInjected, port.RaiseError(ErrorSeverity.NonFatal, snapshot));
        Assert.Equal(AerCapability.CompletionTimeout, hypervisor.ConfigRead(Guest, view.VirtualAddress, 0x104, 4) & AerCapability.CompletionTimeout);
        Assert.Contains(machine.Gic.ListRegisters(Guest, 0), lr => lr.VirtualIntId == port.VirtualIntId);
    }

    [Fact]
    public void Stream_and_device_ids_come_from_the_iort_and_a_rid_without_a_stream_id_is_never_guessed()
    {
        // Segment 0 behind an SMMUv3: RIDs 0x00-0xFF -> StreamIDs 0x1000+ -> DeviceIDs 0x5000+; RIDs 0x100-0x1FF straight to the ITS.
        var iort = new IortTable(new AcpiTableHeader("IORT", 0, "BRIDGE", "BKIORT  ", 1, "BKPR", 1), 0,
        [
            new IortItsGroup(0, 0, [0u]),
            new IortSmmuV3(1, 1, 0x2B40_0000, 0, 0, 0, 0, 0x100, 0x101, 0x102, 0x103, 0, 0,
            [
                new IortIdMapping(0, 0, 0x7FFF, 0, IortIdMapping.SingleMappingFlag),
                new IortIdMapping(0x1000, 0xFF, 0x5000, 0),
            ]),
            new Bridgekeeper.Firmware.Acpi.Iort.IortRootComplex(1, 2, 1, 0, 0, 3, 1, 0, 48, 0,
            [
                new IortIdMapping(0x0000, 0xFF, 0x1000, 1),
                new IortIdMapping(0x0100, 0xFF, 0x8000, 0),
            ]),
        ]);
        var ports = new HypervisorPorts(new FakeConfigFabric(), new RecordingIommu([]), new RecordingInterrupts([]), new ListEventSink(), new FixedClock()).WithIort(iort);
        var behindSmmu = Sbdf.Parse("00:02.0");
        Assert.Equal(0x1010u, ports.StreamIdOf(behindSmmu));
        Assert.Equal(0x5010u, ports.ItsDeviceIdOf(behindSmmu));
        var direct = Sbdf.Parse("01:00.0");
        Assert.Null(ports.IdMappingProblemOf(behindSmmu));
        Assert.Throws<InvalidOperationException>(() => ports.StreamIdOf(direct));
        Assert.Equal(0x8000u, ports.ItsDeviceIdOf(direct));
        Assert.Contains("no SMMU StreamID", ports.IdMappingProblemOf(direct));
        Assert.Contains("no root complex", ports.IdMappingProblemOf(new Sbdf(7, 0, 1, 0)));

        // Assigning the unmapped function is refused before anything changes; the mapped one goes through.
        var fabric = new FakeConfigFabric();
        fabric.Functions[direct] = ConfigBuilder.Endpoint(0x1572, multifunction: false);
        fabric.Functions[behindSmmu] = ConfigBuilder.Endpoint(0x1573, multifunction: false);
        var log = new List<string>();
        var iommu = new RecordingIommu(log);
        var topology = new FakeTopology().Group("alone", direct).Group("alone", behindSmmu);
        var hypervisor = new Bridgekeeper.Hypervisor.Hypervisor(
            new HypervisorPorts(fabric, iommu, new RecordingInterrupts(log), new ListEventSink(), new FixedClock()).WithIort(iort), topology);
        hypervisor.CreateGuest(Guest);
        var refused = hypervisor.Assign(Guest, [direct]);
        Assert.False(refused.Accepted);
        Assert.Equal("ENXIO", refused.Code);
        Assert.Contains("no SMMU StreamID", refused.Reason);
        Assert.Empty(log);
        Assert.True(hypervisor.Owners.OwnerOf(direct).Kind == Bridgekeeper.Hypervisor.Assignment.OwnerKind.HardwareDomain);
        Assert.True(hypervisor.Assign(Guest, [behindSmmu]).Accepted);
        Assert.Equal(IommuContext.For(Guest), iommu.ContextOf(0x1010));
    }

    [Fact]
    public void The_hardware_domain_cannot_reset_the_bus_above_the_assigned_device()
    {
        var (machine, hypervisor, events) = Boot();
        var cx5 = machine["cx5"].Address;
        Assert.True(hypervisor.Assign(Guest, AssignableMembers(hypervisor, cx5)).Accepted);
        var rp1 = machine["rp1"].Address;
        hypervisor.ConfigWrite(DomainId.Hardware, rp1, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal(0u, machine.Config.Read(rp1, ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Single(events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused));
    }

    [Fact]
    public void Assigning_the_device_behind_the_pcie_to_pci_bridge_programs_the_bridge_alias_stream_id()
    {
        var (machine, hypervisor, _) = Boot();
        var nic = machine["legacy-nic"].Address;
        var bridge = machine["pcibridge"].Address;
        // PCIe-to-PCI bridge spec §2.3 / Linux pci_for_each_dma_alias: conventional DMA arrives as (secondary bus, 00.0).
        var alias = new Sbdf(0, (byte)machine.Config.Read(bridge, ConfigHeader.SecondaryBus, 1), 0, 0);
        Assert.NotEqual(nic, alias);
        Assert.Equal([alias], hypervisor.Topology.DmaAliasesOf(nic));
        Assert.NotEqual(IommuContext.For(Guest), machine.Iommu.ContextOf(machine.StreamIdOf(alias)));

        var members = AssignableMembers(hypervisor, nic);
        Assert.Equal([nic], members);
        Assert.True(hypervisor.Assign(Guest, members).Accepted);
        Assert.Equal(IommuContext.For(Guest), machine.Iommu.ContextOf(machine.StreamIdOf(nic)));
        Assert.Equal(IommuContext.For(Guest), machine.Iommu.ContextOf(machine.StreamIdOf(alias)));

        Assert.True(hypervisor.Deassign(Guest, members, Bridgekeeper.Hypervisor.Assignment.DeassignTarget.Quarantine).Accepted);
        Assert.Equal(IommuContext.Blocked, machine.Iommu.ContextOf(machine.StreamIdOf(alias)));
    }

    [Fact]
    public void A_device_behind_only_pcie_ports_has_no_dma_alias()
    {
        var (machine, hypervisor, _) = Boot();
        Assert.Empty(hypervisor.Topology.DmaAliasesOf(machine["nvme0"].Address));
        Assert.Empty(hypervisor.Topology.DmaAliasesOf(machine["cx5"].Address));
    }

    [Fact]
    public void A_virtual_function_shows_the_guest_the_pf_vendor_id_and_the_sriov_vf_device_id()
    {
        var (machine, hypervisor, _) = Boot(EnableTwoConnectX5Vfs);
        var cx5 = machine["cx5"];
        var vf = cx5.VirtualFunctions[0].Address;
        Assert.Equal(0xFFFF_FFFFu, machine.Config.Read(vf, 0, 4)); // §9.3.4.1.1-2: the hardware VF reads all ones
        Assert.True(hypervisor.Assign(Guest, AssignableMembers(hypervisor, vf)).Accepted);
        var view = hypervisor.GuestViewOf(vf)!;
        uint vfDeviceId = machine.Config.Read(cx5.Address, cx5.SriovCapability + SriovCapability.VfDeviceId, 2);
        Assert.Equal(0x1018u, vfDeviceId);
        Assert.Equal(0x15B3u | (vfDeviceId << 16), hypervisor.ConfigRead(Guest, view.VirtualAddress, 0, 4));
        Assert.Equal(0x15B3u, hypervisor.ConfigRead(Guest, view.VirtualAddress, 0, 2));
        Assert.Equal(vfDeviceId, hypervisor.ConfigRead(Guest, view.VirtualAddress, 2, 2));
    }

    [Fact]
    public void A_virtual_function_gets_its_slice_of_the_pf_vf_bars()
    {
        var (machine, hypervisor, _) = Boot(EnableTwoConnectX5Vfs);
        var cx5 = machine["cx5"];
        var vf1 = cx5.VirtualFunctions[1].Address;
        int vfBar0 = cx5.SriovCapability + SriovCapability.VfBar0;
        ulong base0 = machine.Config.Read(cx5.Address, vfBar0, 4) & 0xFFFF_FFF0u | (ulong)machine.Config.Read(cx5.Address, vfBar0 + 4, 4) << 32;
        uint control = machine.Config.Read(cx5.Address, cx5.SriovCapability + SriovCapability.Control, 2);
        Assert.True(hypervisor.Assign(Guest, AssignableMembers(hypervisor, vf1)).Accepted);

        var view = hypervisor.GuestViewOf(vf1)!;
        var bar0 = Assert.Single(view.Bars.Physical, b => b.Index == 0);
        Assert.Equal(BarKind.Memory64Low, bar0.Kind);
        Assert.Equal(0x10_0000ul, bar0.Size);                      // the PF's VF BAR0 aperture (per VF)
        Assert.Equal(base0 + 0x10_0000ul, bar0.HostAddress);       // VF 1: base + 1 x size (§9.2.1.1.1)
        hypervisor.ConfigWrite(Guest, view.VirtualAddress, 0x10, 4, 0xFFFF_FFFF);
        Assert.Equal(0xFFF0_000Cu, hypervisor.ConfigRead(Guest, view.VirtualAddress, 0x10, 4));
        // Sizing restored the PF: VF BAR0 and VF Memory Space Enable as they were.
        Assert.Equal(base0, machine.Config.Read(cx5.Address, vfBar0, 4) & 0xFFFF_FFF0u | (ulong)machine.Config.Read(cx5.Address, vfBar0 + 4, 4) << 32);
        Assert.Equal(control, machine.Config.Read(cx5.Address, cx5.SriovCapability + SriovCapability.Control, 2));
    }

    [Fact]
    public void The_hardware_domain_cannot_disable_or_move_the_vfs_of_a_pf_while_a_guest_owns_one()
    {
        var (machine, hypervisor, events) = Boot(EnableTwoConnectX5Vfs);
        var cx5 = machine["cx5"];
        int sriov = cx5.SriovCapability;
        var vf1 = cx5.VirtualFunctions[1].Address;
        uint control = machine.Config.Read(cx5.Address, sriov + SriovCapability.Control, 2);
        hypervisor.ConfigWrite(DomainId.Hardware, cx5.Address, sriov + SriovCapability.Control, 2, 0); // allowed: no VF is a guest's yet
        hypervisor.ConfigWrite(DomainId.Hardware, cx5.Address, sriov + SriovCapability.Control, 2, control);
        machine.EventLoop.RunUntil(machine.EventLoop.Now + SimTime.FromMilliseconds(100));
        Assert.True(hypervisor.Assign(Guest, AssignableMembers(hypervisor, vf1)).Accepted);
        long refusedBefore = hypervisor.RefusedHardwareDomainWrites;

        hypervisor.ConfigWrite(DomainId.Hardware, cx5.Address, sriov + SriovCapability.Control, 2, control & ~(uint)SriovCapability.VfEnable);
        hypervisor.ConfigWrite(DomainId.Hardware, cx5.Address, sriov + SriovCapability.NumVfs, 2, 1);
        hypervisor.ConfigWrite(DomainId.Hardware, cx5.Address, sriov + SriovCapability.VfBar0, 4, 0xFFFF_FFFF);
        Assert.Equal(control, machine.Config.Read(cx5.Address, sriov + SriovCapability.Control, 2));
        Assert.Equal(2u, machine.Config.Read(cx5.Address, sriov + SriovCapability.NumVfs, 2));
        Assert.Equal(refusedBefore + 3, hypervisor.RefusedHardwareDomainWrites);
        Assert.Contains(events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused), e => e.Text.Contains("VF Enable"));
    }
}
