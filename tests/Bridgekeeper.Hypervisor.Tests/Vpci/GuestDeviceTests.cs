using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

public class GuestDeviceTests
{
    private static readonly Sbdf Slot0 = Sbdf.Parse("00:00.0");
    private static readonly Sbdf Slot1 = Sbdf.Parse("00:01.0");

    private static PassthroughRig Assigned(ErrorNotification notification = ErrorNotification.VirtualGhes)
    {
        var rig = new PassthroughRig(notification);
        Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
        return rig;
    }

    private static uint Read(PassthroughRig rig, Sbdf v, int offset, int size = 4) => rig.Hypervisor.ConfigRead(Guest1, v, offset, size);

    private static void Write(PassthroughRig rig, Sbdf v, int offset, int size, uint value) => rig.Hypervisor.ConfigWrite(Guest1, v, offset, size, value);

    [Fact]
    public void A_guest_sees_its_functions_at_00_NN_0_with_the_physical_ids()
    {
        var rig = Assigned();
        Assert.Equal(0x1572_8086u, Read(rig, Slot0, 0x00));
        Assert.Equal(0x1573_8086u, Read(rig, Slot1, 0x00));
        Assert.Equal(0x0200_0001u, Read(rig, Slot0, 0x08));
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Sbdf.Parse("00:02.0"), 0x00));
        Assert.Equal(Nic1, rig.Hypervisor.PhysicalOf(Guest1, Slot1));
    }

    [Fact]
    public void Another_guest_or_the_quarantine_domain_sees_nothing_there()
    {
        var rig = Assigned();
        Assert.Equal(0xFFFF_FFFFu, rig.Hypervisor.ConfigRead(Guest2, Slot0, 0x00, 4));
        Assert.Equal(0xFFFFu, rig.Hypervisor.ConfigRead(DomainId.Quarantine, Slot0, 0x00, 2));
    }

    [Fact]
    public void The_header_type_loses_its_multifunction_bit_because_each_function_has_its_own_slot()
    {
        var rig = Assigned();
        Assert.Equal(0x00u, Read(rig, Slot0, 0x0E, 1));
    }

    [Fact]
    public void Hidden_capabilities_and_unregistered_bytes_read_all_ones()
    {
        var rig = Assigned();
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Slot0, 0x40)); // Power Management
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Slot0, 0xC0)); // vendor-specific
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Slot0, 0x140)); // ACS
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Slot0, 0x160)); // SR-IOV
    }

    [Fact]
    public void The_capability_chain_is_filtered_to_msi_pci_express_and_msix()
    {
        var rig = Assigned();
        var ids = new List<uint>();
        Assert.NotEqual(0u, Read(rig, Slot0, 0x06, 2) & ConfigHeader.StatusCapabilitiesList);
        int at = (int)Read(rig, Slot0, 0x34, 1);
        while (at != 0 && ids.Count < 10)
        {
            ids.Add(Read(rig, Slot0, at, 1));
            at = (int)Read(rig, Slot0, at + 1, 1);
        }
        Assert.Equal([0x05u, 0x10u, 0x11u], ids);
    }

    [Fact]
    public void The_only_extended_capability_is_a_virtual_aer_at_0x100_ending_the_list()
    {
        var rig = Assigned();
        uint header = Read(rig, Slot0, 0x100);
        Assert.Equal(0x0001u, header & 0xFFFF);
        Assert.Equal(0u, header >> 20);
    }

    [Fact]
    public void Bar_sizing_works_on_the_guest_view_and_never_touches_the_physical_bars()
    {
        var rig = Assigned();
        var before = rig.Fabric.Functions[Nic0].Bytes[0x10..0x34].ToArray();
        for (int bar = 0x10; bar <= 0x24; bar += 4) Write(rig, Slot0, bar, 4, 0xFFFF_FFFF);
        Write(rig, Slot0, 0x30, 4, 0xFFFF_F800);
        Assert.Equal(0xFFF0_000Cu, Read(rig, Slot0, 0x10)); // 1 MiB, 64-bit, prefetchable
        Assert.Equal(0xFFFF_FFFFu, Read(rig, Slot0, 0x14));
        Assert.Equal(0xFFFF_FF00u, Read(rig, Slot0, 0x18)); // 256 bytes
        Assert.Equal(0u, Read(rig, Slot0, 0x1C));           // I/O: none on Arm
        Assert.Equal(0xFFFF_0000u, Read(rig, Slot0, 0x30)); // 64 KiB ROM, disabled
        Assert.Equal(before, rig.Fabric.Functions[Nic0].Bytes[0x10..0x34].ToArray());
    }

    private static void PlaceBars(PassthroughRig rig, uint bar2)
    {
        Write(rig, Slot0, 0x10, 4, 0x0000_0000);
        Write(rig, Slot0, 0x14, 4, 0x0000_0001);   // BAR0/1 at 0x1_0000_0000
        Write(rig, Slot0, 0x18, 4, bar2);
    }

    [Fact]
    public void Mapping_follows_memory_decode_and_keeps_the_page_offset()
    {
        var rig = Assigned();
        PlaceBars(rig, 0x2300_0100);
        Write(rig, Slot0, 0x04, 2, ConfigHeader.CommandMemorySpace);
        var device = rig.Hypervisor.GuestViewOf(Nic0)!;
        // BAR0 minus the MSI-X table (0x2000) and PBA (0x3000) pages, which stay trapped.
        Assert.Equal(3, device.Bars.Mappings.Count);
        Assert.Contains(device.Bars.Mappings, m => m.GuestAddress == 0x1_0000_0000 && m.HostAddress == 0x40_8000_0000 && m.Size == 0x2000);
        Assert.Contains(device.Bars.Mappings, m => m.GuestAddress == 0x1_0000_4000 && m.HostAddress == 0x40_8000_4000 && m.Size == (1 << 20) - 0x4000);
        Assert.Contains(device.Bars.Mappings, m => m.GuestAddress == 0x2300_0100 && m.HostAddress == 0xE000_1100 && m.Size == 256);
        Assert.NotEqual(0u, rig.Fabric.Read(Nic0, 0x04, 2) & ConfigHeader.CommandMemorySpace);
        Write(rig, Slot0, 0x04, 2, 0);
        Assert.Empty(device.Bars.Mappings);
        Assert.Equal(0u, rig.Fabric.Read(Nic0, 0x04, 2) & ConfigHeader.CommandMemorySpace);
    }

    [Fact]
    public void A_bar_write_while_mapped_is_ignored_and_takes_effect_again_after_decode_is_off()
    {
        var rig = Assigned();
        PlaceBars(rig, 0x2300_0100);
        Write(rig, Slot0, 0x04, 2, ConfigHeader.CommandMemorySpace);
        Write(rig, Slot0, 0x18, 4, 0x2400_0100);
        Write(rig, Slot0, 0x14, 4, 0x0000_0002);
        Assert.Equal(0x2300_0100u, Read(rig, Slot0, 0x18));
        Assert.Equal(0x0000_0001u, Read(rig, Slot0, 0x14));
        Write(rig, Slot0, 0x04, 2, 0);
        Write(rig, Slot0, 0x18, 4, 0x2400_0100);
        Write(rig, Slot0, 0x14, 4, 0x0000_0002);
        Assert.Equal(0x2400_0100u, Read(rig, Slot0, 0x18));
        Assert.Equal(0x2_0000_0000ul, rig.Hypervisor.GuestViewOf(Nic0)!.Bars.GuestAddressOf(0));
    }

    [Fact]
    public void Decode_with_a_bar_whose_page_offset_differs_from_the_host_is_refused_and_recorded()
    {
        var rig = Assigned();
        PlaceBars(rig, 0x2300_0200);
        Write(rig, Slot0, 0x04, 2, ConfigHeader.CommandMemorySpace);
        Assert.Equal(0u, Read(rig, Slot0, 0x04, 2) & ConfigHeader.CommandMemorySpace);
        Assert.Equal(0u, rig.Fabric.Read(Nic0, 0x04, 2) & ConfigHeader.CommandMemorySpace);
        Assert.Single(rig.Events.OfKind(HypervisorEventKinds.BarMapRefused));
    }

    [Fact]
    public void The_guest_command_register_commits_only_memory_bus_master_and_interrupt_disable()
    {
        var rig = Assigned();
        PlaceBars(rig, 0x2300_0100);
        Write(rig, Slot0, 0x04, 2, 0xFFFF);
        Assert.Equal((uint)Bridgekeeper.Hypervisor.Vpci.GuestDevice.GuestCommandBits, Read(rig, Slot0, 0x04, 2));
        Assert.Equal((uint)Bridgekeeper.Hypervisor.Vpci.GuestDevice.GuestCommandBits, rig.Fabric.Read(Nic0, 0x04, 2) & 0xFFFF);
    }

    [Fact]
    public void Device_control_passes_only_the_safe_bits_and_the_reporting_enables_are_a_shadow()
    {
        var rig = Assigned();
        int devctl = 0x70 + PciExpressCapability.DeviceControl;
        Assert.Equal(0u, Read(rig, Slot0, devctl, 2) & 0x000F);     // the guest starts with its own enables off
        Write(rig, Slot0, devctl, 2, 0xFFF7);                       // everything but URRE, incl. MPS, phantom, FLR
        Assert.Equal(0x0007u, Read(rig, Slot0, devctl, 2) & 0x000F);
        uint physical = rig.Fabric.Read(Nic0, devctl, 2);
        Assert.Equal(0x000Fu, physical & 0x000F);                   // physical enables untouched
        Assert.Equal(0x7810u, physical & 0x7810);                   // RO, NS, MRRS passed
        Assert.Equal(0u, physical & 0x83E0);                        // MPS, ext tag, phantom, FLR not passed
    }

    [Fact]
    public void Device_capabilities_hide_flr_and_phantom_functions_and_link_control_is_read_only()
    {
        var rig = Assigned();
        Assert.Equal(0u, Read(rig, Slot0, 0x70 + PciExpressCapability.DeviceCapabilities) & (PciExpressCapability.DevCapFlrCapable | 0x18));
        int linkctl = 0x70 + PciExpressCapability.LinkControl;
        Write(rig, Slot0, linkctl, 2, 0x0010); // Link Disable
        Assert.Equal(0x0040u, rig.Fabric.Read(Nic0, linkctl, 2));
        Assert.Equal(0x0040u, Read(rig, Slot0, linkctl, 2));
    }

    [Fact]
    public void The_guest_aer_is_a_shadow_clearing_or_masking_it_never_changes_the_physical_registers()
    {
        var rig = Assigned();
        var physicalAer = rig.Fabric.Functions[Nic0].Bytes[0x100..0x12C].ToArray();
        Assert.Equal(0u, Read(rig, Slot0, 0x104));                          // physical Poisoned TLP not shown
        Assert.Equal(AerCapability.UnsupportedRequest, Read(rig, Slot0, 0x108)); // mask copied at assignment
        Write(rig, Slot0, 0x104, 4, 0xFFFF_FFFF);
        Write(rig, Slot0, 0x108, 4, 0xFFFF_FFFF);
        Write(rig, Slot0, 0x110, 4, 0xFFFF_FFFF);
        Assert.Equal(AerCapability.UncorrectableBits, Read(rig, Slot0, 0x108));
        Assert.Equal(physicalAer, rig.Fabric.Functions[Nic0].Bytes[0x100..0x12C].ToArray());
    }

    [Fact]
    public void With_option_b_each_device_sits_behind_a_virtual_root_port()
    {
        var rig = Assigned(ErrorNotification.VirtualRootPort);
        Assert.Equal(0x000C_1B36u, Read(rig, Slot0, 0x00));
        Assert.Equal(0x0604_0000u, Read(rig, Slot0, 0x08) & 0xFFFF_FF00);
        Assert.Equal(0x01u, Read(rig, Slot0, 0x0E, 1));
        Assert.Equal(0x0001_0100u, Read(rig, Slot0, 0x18) & 0x00FF_FFFF);   // primary 0, secondary 1, subordinate 1
        Assert.Equal(0x1572_8086u, Read(rig, Sbdf.Parse("01:00.0"), 0x00));
        Assert.Equal(0x1573_8086u, Read(rig, Sbdf.Parse("02:00.0"), 0x00));
        int pcie = (int)Read(rig, Slot0, 0x34, 1);
        Assert.Equal((uint)PciePortType.RootPort, (Read(rig, Slot0, pcie + 2, 2) >> 4) & 0xF);
        Write(rig, Slot0, 0x19, 1, 0x07);
        Assert.Equal(0x01u, Read(rig, Slot0, 0x19, 1));                       // bus numbers are fixed
    }
}
