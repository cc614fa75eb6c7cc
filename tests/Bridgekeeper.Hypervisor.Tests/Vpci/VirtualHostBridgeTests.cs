using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

public class VirtualHostBridgeTests
{
    [Fact]
    public void A_deassigned_device_frees_its_slot_for_the_next_one()
    {
        var rig = new PassthroughRig(ErrorNotification.VirtualGhes);
        rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]);
        rig.Hypervisor.Assign(Guest1, [Gpu]);
        Assert.Equal(Sbdf.Parse("00:02.0"), rig.Hypervisor.GuestViewOf(Gpu)!.VirtualAddress);
        rig.Hypervisor.Deassign(Guest1, [Nic0, Nic1]);
        rig.Hypervisor.Deassign(Guest1, [Gpu]);
        rig.Hypervisor.Assign(Guest1, [Gpu]);
        Assert.Equal(Sbdf.Parse("00:00.0"), rig.Hypervisor.GuestViewOf(Gpu)!.VirtualAddress);
        Assert.Equal(0xFFFF_FFFFu, rig.Hypervisor.ConfigRead(Guest1, Sbdf.Parse("00:02.0"), 0, 4));
    }

    [Fact]
    public void Removing_a_device_behind_a_root_port_removes_the_port_too()
    {
        var rig = new PassthroughRig(ErrorNotification.VirtualRootPort);
        rig.Hypervisor.Assign(Guest1, [Gpu]);
        Assert.Equal(Sbdf.Parse("01:00.0"), rig.Hypervisor.GuestViewOf(Gpu)!.VirtualAddress);
        Assert.NotNull(rig.Hypervisor.RootPortOf(Gpu));
        rig.Hypervisor.Deassign(Guest1, [Gpu]);
        Assert.Equal(0xFFFF_FFFFu, rig.Hypervisor.ConfigRead(Guest1, Sbdf.Parse("00:00.0"), 0, 4));
        Assert.Equal(0xFFFF_FFFFu, rig.Hypervisor.ConfigRead(Guest1, Sbdf.Parse("01:00.0"), 0, 4));
    }

    [Fact]
    public void An_address_outside_segment_0_or_with_nothing_there_reads_all_ones_of_its_width()
    {
        var bridge = new VirtualHostBridge(new DomainId(3));
        Assert.Equal(0xFFUL, bridge.Read(new Sbdf(1, 0, 0, 0), 0, 1));
        Assert.Equal(ulong.MaxValue, bridge.Read(Sbdf.Parse("00:05.0"), 0, 8));
        bridge.Write(Sbdf.Parse("00:05.0"), 0, 4, 0); // dropped, no throw
        Assert.Equal(VirtualHostBridge.MaxSlots, bridge.FreeSlots);
    }
}
