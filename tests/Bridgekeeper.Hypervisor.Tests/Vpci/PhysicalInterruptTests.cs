using System.Buffers.Binary;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>
/// A guest's MSI / MSI-X programming reaches the physical function as ITS events (Xen vpci msi.c /
/// msix.c on a GICv3 ITS): the device gets the host doorbell and EventIDs, the ITS maps them to the
/// guest's virtual LPIs, and the MSI-X table and PBA pages are trapped out of the BAR mapping.
/// The rig's endpoint: MSI at 0x50 (64-bit, per-vector masking, 4 vectors), MSI-X at 0xB0 with 16
/// entries, table in BAR0 at 0x2000 and PBA at 0x3000; BAR0 at host 0x40_8000_0000.
/// </summary>
public class PhysicalInterruptTests
{
    private static readonly Sbdf Slot0 = Sbdf.Parse("00:00.0");
    private const ulong HostBar0 = 0x40_8000_0000;
    private const ulong GuestBar0 = 0x1_0000_0000;
    private const ulong Doorbell = HypervisorPorts.DefaultItsDoorbell;
    private static readonly uint DeviceId = HypervisorPorts.IdentityRid(Nic0);

    private static PassthroughRig Assigned()
    {
        var rig = new PassthroughRig(ErrorNotification.VirtualGhes);
        Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
        return rig;
    }

    private static void Write(PassthroughRig rig, int offset, int size, uint value) => rig.Hypervisor.ConfigWrite(Guest1, Slot0, offset, size, value);

    private static PassthroughRig WithDecode()
    {
        var rig = Assigned();
        Write(rig, 0x10, 4, 0x0000_0000);
        Write(rig, 0x14, 4, 0x0000_0001); // BAR0 at guest 0x1_0000_0000
        Write(rig, 0x18, 4, 0x2300_0100);
        Write(rig, ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster);
        return rig;
    }

    private static ulong HostQword(PassthroughRig rig, ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        rig.Mmio.Read(address, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private static uint HostDword(PassthroughRig rig, ulong address) => (uint)HostQword(rig, address);

    [Fact]
    public void Enabling_msi_programs_the_device_with_the_its_doorbell_and_event_ids_and_maps_them_to_the_guest()
    {
        var rig = Assigned();
        Write(rig, 0x50 + 0x04, 4, 0x0800_0040);   // the guest's (virtual) doorbell
        Write(rig, 0x50 + 0x08, 4, 0);
        Write(rig, 0x50 + 0x0C, 2, 0x0020);        // guest data: virtual LPI base 0x20
        Write(rig, 0x50 + 0x10, 4, 0x0000_0002);   // vector 1 masked
        Write(rig, 0x50 + 0x02, 2, 0x0021);        // enable, 4 vectors (MME = 2)

        Assert.Equal(4, rig.Interrupts.Lpis.Keys.Count(k => k.DeviceId == DeviceId));
        Assert.Equal((Guest1, 0x20u), rig.Interrupts.Lpis[(DeviceId, 0)]);
        Assert.Equal((Guest1, 0x23u), rig.Interrupts.Lpis[(DeviceId, 3)]);
        Assert.Equal((uint)Doorbell, rig.Fabric.Read(Nic0, 0x54, 4));
        Assert.Equal((uint)(Doorbell >> 32), rig.Fabric.Read(Nic0, 0x58, 4));
        Assert.Equal(0u, rig.Fabric.Read(Nic0, 0x5C, 2));                      // EventID base 0
        Assert.Equal(2u, rig.Fabric.Read(Nic0, 0x60, 4));                      // the guest's mask bits
        uint control = rig.Fabric.Read(Nic0, 0x52, 2);
        Assert.Equal(MsiCapability.Enable, control & MsiCapability.Enable);
        Assert.Equal(0x20u, control & 0x70);
        Assert.Equal(0x0800_0040u, rig.Hypervisor.ConfigRead(Guest1, Slot0, 0x54, 4)); // the guest still reads its own address

        Write(rig, 0x50 + 0x02, 2, 0x0000);
        Assert.DoesNotContain(rig.Interrupts.Lpis.Keys, k => k.DeviceId == DeviceId);
        Assert.Equal(0u, rig.Fabric.Read(Nic0, 0x52, 2) & (MsiCapability.Enable | 0x70u));
    }

    [Fact]
    public void Changing_msi_data_while_enabled_remaps_the_its_events()
    {
        var rig = Assigned();
        Write(rig, 0x50 + 0x0C, 2, 0x0020);
        Write(rig, 0x50 + 0x02, 2, 0x0001);
        Write(rig, 0x50 + 0x0C, 2, 0x0040);
        Assert.Equal((Guest1, 0x40u), rig.Interrupts.Lpis[(DeviceId, 0)]);
        Assert.Single(rig.Interrupts.Lpis.Keys, k => k.DeviceId == DeviceId);
    }

    [Fact]
    public void The_msix_table_and_pba_pages_are_trapped_and_the_rest_of_the_bar_is_mapped()
    {
        var rig = WithDecode();
        var device = rig.Hypervisor.GuestViewOf(Nic0)!;
        Assert.DoesNotContain(device.Bars.Mappings, m => m.Bar == 0 && m.GuestAddress < GuestBar0 + 0x4000 && m.GuestAddress + m.Size > GuestBar0 + 0x2000);
        Assert.Null(rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x1000, 4));   // mapped: never trapped
        Assert.Null(rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x4000, 4));
        Assert.NotNull(rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x2000, 4));
        Assert.NotNull(rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x3000, 8));
        Assert.Null(rig.Hypervisor.GuestMmioRead(Guest2, GuestBar0 + 0x2000, 4));   // not that guest's device
    }

    [Fact]
    public void Msix_entries_are_virtual_until_enabled_and_then_programmed_with_doorbell_event_id_and_the_guest_mask()
    {
        var rig = WithDecode();
        ulong entry3 = GuestBar0 + 0x2000 + 3 * 16;
        Assert.Equal(1ul, rig.Hypervisor.GuestMmioRead(Guest1, entry3 + 12, 4));     // masked after reset
        Assert.True(rig.Hypervisor.GuestMmioWrite(Guest1, entry3, 8, 0x0000_0000_0800_0040));
        Assert.True(rig.Hypervisor.GuestMmioWrite(Guest1, entry3 + 8, 4, 0x77));
        Assert.True(rig.Hypervisor.GuestMmioWrite(Guest1, entry3 + 12, 4, 0));
        Assert.Equal(0ul, HostQword(rig, HostBar0 + 0x2000 + 3 * 16));               // MSI-X off: nothing reached the device
        Assert.DoesNotContain(rig.Interrupts.Lpis.Keys, k => k.DeviceId == DeviceId);

        Write(rig, 0xB0 + 0x02, 2, MsixCapability.Enable);
        Assert.Equal(Doorbell, HostQword(rig, HostBar0 + 0x2000 + 3 * 16));
        Assert.Equal(3u, HostDword(rig, HostBar0 + 0x2000 + 3 * 16 + 8));            // EventID = entry
        Assert.Equal(0u, HostDword(rig, HostBar0 + 0x2000 + 3 * 16 + 12));           // unmasked, as the guest asked
        Assert.Equal(1u, HostDword(rig, HostBar0 + 0x2000 + 2 * 16 + 12));           // the others stay masked
        Assert.Equal((Guest1, 0x77u), rig.Interrupts.Lpis[(DeviceId, 3)]);
        uint control = rig.Fabric.Read(Nic0, 0xB2, 2);
        Assert.Equal(MsixCapability.Enable, control & (MsixCapability.Enable | MsixCapability.FunctionMask));
        Assert.Equal(0x0800_0040ul, rig.Hypervisor.GuestMmioRead(Guest1, entry3, 8));  // the guest reads its own entry

        // Masking while enabled reaches the device at once.
        Assert.True(rig.Hypervisor.GuestMmioWrite(Guest1, entry3 + 12, 4, 1));
        Assert.Equal(1u, HostDword(rig, HostBar0 + 0x2000 + 3 * 16 + 12));

        Write(rig, 0xB0 + 0x02, 2, 0);
        Assert.Equal(0u, rig.Fabric.Read(Nic0, 0xB2, 2) & MsixCapability.Enable);
        Assert.DoesNotContain(rig.Interrupts.Lpis.Keys, k => k.DeviceId == DeviceId);
    }

    [Fact]
    public void The_pba_reads_the_device_pending_bits_and_ignores_guest_writes()
    {
        var rig = WithDecode();
        rig.Mmio.Write(HostBar0 + 0x3000, [0x09, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(0x09ul, rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x3000, 8));
        Assert.True(rig.Hypervisor.GuestMmioWrite(Guest1, GuestBar0 + 0x3000, 8, 0));
        Assert.Equal(0x09ul, HostQword(rig, HostBar0 + 0x3000));
        Assert.Equal(0xFFFFul, rig.Hypervisor.GuestMmioRead(Guest1, GuestBar0 + 0x3002, 2)); // not a dword/qword: all ones
    }

    [Fact]
    public void Restoring_interrupt_state_after_a_reset_reprograms_msi_x_and_msi_from_the_guest_view()
    {
        var rig = WithDecode();
        ulong entry0 = GuestBar0 + 0x2000;
        rig.Hypervisor.GuestMmioWrite(Guest1, entry0 + 8, 4, 0x31);
        rig.Hypervisor.GuestMmioWrite(Guest1, entry0 + 12, 4, 0);
        Write(rig, 0xB0 + 0x02, 2, MsixCapability.Enable);

        // What a reset leaves: MSI-X off, the table cleared, no ITS mapping.
        rig.Fabric.Write(Nic0, 0xB2, 2, 0);
        rig.Mmio.Write(HostBar0 + 0x2000, new byte[16 * 16]);
        rig.Interrupts.UnmapDevice(DeviceId);

        Assert.True(rig.Hypervisor.RestoreInterruptState(Nic0));
        Assert.Equal(MsixCapability.Enable, rig.Fabric.Read(Nic0, 0xB2, 2) & (MsixCapability.Enable | MsixCapability.FunctionMask));
        Assert.Equal(Doorbell, HostQword(rig, HostBar0 + 0x2000));
        Assert.Equal(0u, HostDword(rig, HostBar0 + 0x2000 + 12));
        Assert.Equal((Guest1, 0x31u), rig.Interrupts.Lpis[(DeviceId, 0)]);
        Assert.False(rig.Hypervisor.RestoreInterruptState(Gpu)); // not a guest's
    }

    [Fact]
    public void Restoring_msi_after_a_reset_writes_address_data_and_enable_again()
    {
        var rig = Assigned();
        Write(rig, 0x50 + 0x0C, 2, 0x0020);
        Write(rig, 0x50 + 0x02, 2, 0x0001);
        for (int at = 0x52; at < 0x64; at += 2) rig.Fabric.Write(Nic0, at, 2, 0); // reset: MSI registers back to 0
        Assert.True(rig.Hypervisor.RestoreInterruptState(Nic0));
        Assert.Equal((uint)Doorbell, rig.Fabric.Read(Nic0, 0x54, 4));
        Assert.Equal(MsiCapability.Enable, rig.Fabric.Read(Nic0, 0x52, 2) & MsiCapability.Enable);
        Assert.Equal((Guest1, 0x20u), rig.Interrupts.Lpis[(DeviceId, 0)]);
    }

    [Fact]
    public void Clearing_msix_enable_while_msi_is_in_use_keeps_the_msi_events_mapped()
    {
        var rig = Assigned();
        Write(rig, 0x50 + 0x0C, 2, 0x0020);
        Write(rig, 0x50 + 0x02, 2, 0x0001);
        Write(rig, 0xB0 + 0x02, 2, 0); // a driver making sure MSI-X is off
        Assert.Equal((Guest1, 0x20u), rig.Interrupts.Lpis[(DeviceId, 0)]);
    }

    [Fact]
    public void Functions_behind_one_bridge_alias_share_its_its_device_id_with_separate_event_ranges()
    {
        var rig = new PassthroughRig(ErrorNotification.VirtualGhes);
        var alias = Sbdf.Parse("01:1f.0"); // what a PCIe-to-PCI bridge would substitute for both
        rig.Topology.Aliases[Nic0] = [alias];
        rig.Topology.Aliases[Nic1] = [alias];
        Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
        uint shared = HypervisorPorts.IdentityRid(alias);
        var slot1 = Sbdf.Parse("00:01.0");
        Write(rig, 0x50 + 0x0C, 2, 0x0020);
        Write(rig, 0x50 + 0x02, 2, 0x0001);
        rig.Hypervisor.ConfigWrite(Guest1, slot1, 0x50 + 0x0C, 2, 0x0040);
        rig.Hypervisor.ConfigWrite(Guest1, slot1, 0x50 + 0x02, 2, 0x0001);

        Assert.Equal((Guest1, 0x20u), rig.Interrupts.Lpis[(shared, 0)]);        // 01:00.0: events from 0
        Assert.Equal((Guest1, 0x40u), rig.Interrupts.Lpis[(shared, 0x100)]);    // 01:00.1: events from DevFn x 256
        Assert.Equal(0x100u, rig.Fabric.Read(Nic1, 0x5C, 2));                   // its device sends EventID 0x100
        Assert.DoesNotContain(rig.Interrupts.Lpis.Keys, k => k.DeviceId == DeviceId);

        // Re-enabling one function's MSI or taking it away leaves the other's events in place.
        Write(rig, 0x50 + 0x02, 2, 0x0000);
        Assert.Equal((Guest1, 0x40u), rig.Interrupts.Lpis[(shared, 0x100)]);
        Write(rig, 0x50 + 0x02, 2, 0x0001);
        rig.Hypervisor.Quarantine(Nic0, "test");
        Assert.False(rig.Interrupts.Lpis.ContainsKey((shared, 0)));
        Assert.Equal((Guest1, 0x40u), rig.Interrupts.Lpis[(shared, 0x100)]);
    }
}
