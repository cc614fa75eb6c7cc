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

    private static (SimulatedMachine Machine, Bridgekeeper.Hypervisor.Hypervisor Hypervisor, ListEventSink Events) Boot()
    {
        var machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
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
    public void Stream_and_device_ids_come_from_the_iort_and_unmapped_ids_fall_back_to_the_rid()
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
        Assert.Equal(HypervisorPorts.IdentityRid(direct), ports.StreamIdOf(direct));
        Assert.Equal(0x8000u, ports.ItsDeviceIdOf(direct));
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
}
