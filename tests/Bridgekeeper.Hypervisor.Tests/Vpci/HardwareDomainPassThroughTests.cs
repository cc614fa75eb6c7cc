using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

public class HardwareDomainPassThroughTests
{
    private static PassthroughRig WithNicAssigned()
    {
        var rig = new PassthroughRig();
        Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
        return rig;
    }

    private static void HwWrite(PassthroughRig rig, Sbdf f, int offset, int size, uint value) =>
        rig.Hypervisor.ConfigWrite(DomainId.Hardware, f, offset, size, value);

    [Fact]
    public void Hardware_domain_accesses_pass_through_to_physical_config_space()
    {
        var rig = new PassthroughRig();
        Assert.Equal(0x2204_8086u, rig.Hypervisor.ConfigRead(DomainId.Hardware, Gpu, 0, 4));
        HwWrite(rig, Port1, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal((uint)ConfigHeader.BridgeControlSecondaryBusReset, rig.Fabric.Read(Port1, ConfigHeader.BridgeControl, 2));
        Assert.Equal(0, rig.Hypervisor.RefusedHardwareDomainWrites);
    }

    [Fact]
    public void Secondary_bus_reset_above_a_guest_device_is_refused_and_recorded()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port1, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        HwWrite(rig, Port1, 0x3C, 4, (uint)ConfigHeader.BridgeControlSecondaryBusReset << 16);
        HwWrite(rig, Port1, ConfigHeader.BridgeControl, 1, ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal(0u, rig.Fabric.Read(Port1, ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        var e = rig.Events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused).First();
        Assert.Equal(Port1, e.Device);
        Assert.Contains("Secondary Bus Reset", e.Text);
        Assert.Contains(Nic0.ToString(), e.Text);
    }

    [Fact]
    public void Secondary_bus_reset_above_only_hardware_domain_devices_is_allowed()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port2, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal((uint)ConfigHeader.BridgeControlSecondaryBusReset, rig.Fabric.Read(Port2, ConfigHeader.BridgeControl, 2));
    }

    [Fact]
    public void Other_bridge_control_bits_above_a_guest_device_are_still_writable()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port1, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSerrEnable);
        Assert.Equal((uint)ConfigHeader.BridgeControlSerrEnable, rig.Fabric.Read(Port1, ConfigHeader.BridgeControl, 2));
    }

    [Fact]
    public void Changing_bus_numbers_above_a_guest_device_or_taking_in_its_bus_is_refused()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port1, ConfigHeader.SecondaryBus, 1, 5);
        HwWrite(rig, Port1, 0x18, 4, 0x0003_0300);
        HwWrite(rig, Port2, ConfigHeader.SubordinateBus, 1, 2); // unchanged value: allowed
        HwWrite(rig, Port2, 0x18, 4, 0x0003_0100); // secondary 1..3 would take in bus 1
        Assert.Equal(1u, rig.Fabric.Read(Port1, ConfigHeader.SecondaryBus, 1));
        Assert.Equal(2u, rig.Fabric.Read(Port2, ConfigHeader.SecondaryBus, 1));
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        HwWrite(rig, Port2, ConfigHeader.SubordinateBus, 1, 4); // 2..4 holds no guest device
        Assert.Equal(4u, rig.Fabric.Read(Port2, ConfigHeader.SubordinateBus, 1));
    }

    [Fact]
    public void Moving_an_assigned_bar_or_a_memory_window_above_it_is_refused()
    {
        var rig = WithNicAssigned();
        var bar = rig.Fabric.Read(Nic0, 0x18, 4);
        HwWrite(rig, Nic0, 0x18, 4, 0xFFFF_FFFF); // even sizing: the guest owns it
        HwWrite(rig, Nic0, 0x30, 4, 0xE020_0001);
        HwWrite(rig, Port1, ConfigHeader.MemoryBase, 4, 0xE1F0_E100);
        Assert.Equal(bar, rig.Fabric.Read(Nic0, 0x18, 4));
        Assert.Equal(0xE0F0_E000u, rig.Fabric.Read(Port1, ConfigHeader.MemoryBase, 4));
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        HwWrite(rig, Gpu, 0x18, 4, 0xE000_2100); // not assigned: allowed
        Assert.Equal(0xE000_2100u, rig.Fabric.Read(Gpu, 0x18, 4));
    }

    [Fact]
    public void Clearing_acs_is_refused_while_a_guest_owns_anything_and_enabling_more_is_allowed()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port2, 0x106, 2, 0x0000);
        HwWrite(rig, Port2, 0x104, 4, 0x0000_005F);
        Assert.Equal(0x001Du, rig.Fabric.Read(Port2, 0x106, 2));
        Assert.Equal(2, rig.Hypervisor.RefusedHardwareDomainWrites);
        Assert.Contains("ACS", rig.Events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused).Last().Text);
        HwWrite(rig, Port2, 0x106, 2, 0x001F);
        Assert.Equal(0x001Fu, rig.Fabric.Read(Port2, 0x106, 2));
    }

    [Fact]
    public void Clearing_acs_is_allowed_before_any_assignment()
    {
        var rig = new PassthroughRig();
        HwWrite(rig, Port2, 0x106, 2, 0x0000);
        Assert.Equal(0u, rig.Fabric.Read(Port2, 0x106, 2));
    }

    [Fact]
    public void Link_disable_on_the_port_above_a_guest_device_is_refused()
    {
        var rig = WithNicAssigned();
        HwWrite(rig, Port1, 0x40 + PciExpressCapability.LinkControl, 2, 0x0010);
        Assert.Equal(0u, rig.Fabric.Read(Port1, 0x40 + PciExpressCapability.LinkControl, 2) & 0x10);
        Assert.Equal(1, rig.Hypervisor.RefusedHardwareDomainWrites);
    }

    [Fact]
    public void A_hardware_domain_write_waits_while_a_core_sequence_holds_the_config_lock()
    {
        var rig = new PassthroughRig();
        Thread? writer = null;
        bool finishedInside = true;
        rig.Hypervisor.WithConfigLock(physical =>
        {
            physical.Write(Gpu, 0x18, 4, 0xFFFF_FFFF); // a sizing probe in progress
            writer = new Thread(() => rig.Hypervisor.ConfigWrite(DomainId.Hardware, Gpu, 0x18, 4, 0xE000_3100));
            writer.Start();
            finishedInside = writer.Join(200);
            physical.Write(Gpu, 0x18, 4, 0xE000_1100);
        });
        writer!.Join();
        Assert.False(finishedInside);
        Assert.Equal(0xE000_3100u, rig.Fabric.Read(Gpu, 0x18, 4)); // ran after the sequence restored the BAR
    }

    [Fact]
    public void A_misaligned_hardware_domain_access_reads_all_ones_and_writes_nothing()
    {
        var rig = new PassthroughRig();
        Assert.Equal(0xFFFFu, rig.Hypervisor.ConfigRead(DomainId.Hardware, Gpu, 0x01, 2));
        int writes = rig.Fabric.Writes.Count;
        rig.Hypervisor.ConfigWrite(DomainId.Hardware, Gpu, 0x06, 4, 0);
        Assert.Equal(writes, rig.Fabric.Writes.Count);
    }

    [Fact]
    public void Changing_decode_or_bus_master_of_a_guest_function_is_refused_and_other_command_bits_pass()
    {
        var rig = WithNicAssigned();
        uint before = rig.Fabric.Read(Nic0, ConfigHeader.Command, 2);
        HwWrite(rig, Nic0, ConfigHeader.Command, 2, before | ConfigHeader.CommandBusMaster);
        HwWrite(rig, Nic0, ConfigHeader.Command, 4, before | ConfigHeader.CommandMemorySpace);
        HwWrite(rig, Nic0, ConfigHeader.Command, 1, before | ConfigHeader.CommandIoSpace);
        Assert.Equal(before, rig.Fabric.Read(Nic0, ConfigHeader.Command, 2));
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        Assert.Contains("Command", rig.Events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused).Last().Text);
        HwWrite(rig, Nic0, ConfigHeader.Command, 2, before | ConfigHeader.CommandSerrEnable); // not decode: allowed
        Assert.Equal(before | ConfigHeader.CommandSerrEnable, rig.Fabric.Read(Nic0, ConfigHeader.Command, 2));
        HwWrite(rig, Gpu, ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster); // hardware domain's own
        Assert.Equal((uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster), rig.Fabric.Read(Gpu, ConfigHeader.Command, 2) & 0x7);
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
    }

    [Fact]
    public void Function_level_reset_and_power_state_changes_of_a_guest_function_are_refused()
    {
        var rig = WithNicAssigned();
        const int devCtl = 0x70 + PciExpressCapability.DeviceControl;
        const int pmcsr = 0x40 + 4;
        uint control = rig.Fabric.Read(Nic1, devCtl, 2);
        int writes = rig.Fabric.Writes.Count;
        HwWrite(rig, Nic1, devCtl, 2, control | PciExpressCapability.DevCtlInitiateFlr);
        HwWrite(rig, Nic1, devCtl + 1, 1, PciExpressCapability.DevCtlInitiateFlr >> 8);
        HwWrite(rig, Nic1, pmcsr, 2, 0x0003); // D3hot
        Assert.Equal(writes, rig.Fabric.Writes.Count);
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        var refused = rig.Events.OfKind(HypervisorEventKinds.HardwareDomainWriteRefused).Select(e => e.Text).ToList();
        Assert.Contains("Function Level Reset", refused[0]);
        Assert.Contains("PowerState", refused[2]);
        HwWrite(rig, Nic1, devCtl, 2, control & ~0x0010u); // Relaxed Ordering off: no reset, allowed
        Assert.Equal(control & ~0x0010u, rig.Fabric.Read(Nic1, devCtl, 2));
        HwWrite(rig, Gpu, devCtl + 1, 1, PciExpressCapability.DevCtlInitiateFlr >> 8); // not a guest's: allowed
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
    }

    [Fact]
    public void Rewriting_the_msi_or_msix_registers_of_a_guest_function_is_refused()
    {
        var rig = WithNicAssigned();
        int writes = rig.Fabric.Writes.Count;
        HwWrite(rig, Nic0, 0x54, 4, 0xDEAD_0000);                  // MSI address
        HwWrite(rig, Nic0, 0x50, 4, 0x0001_7005);                  // MSI header dword incl. Message Control
        HwWrite(rig, Nic0, 0xB2, 2, MsixCapability.Enable);        // MSI-X Message Control
        Assert.Equal(writes, rig.Fabric.Writes.Count);
        Assert.Equal(3, rig.Hypervisor.RefusedHardwareDomainWrites);
        HwWrite(rig, Gpu, 0x54, 4, 0xDEAD_0000);                   // the hardware domain's own function
        Assert.Equal(0xDEAD_0000u, rig.Fabric.Read(Gpu, 0x54, 4));
    }
}
