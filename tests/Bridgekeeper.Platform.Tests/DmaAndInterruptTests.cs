using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

public class DmaAndInterruptTests
{
    private static SimulatedMachine Fresh() => SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    [Fact]
    public void Dma_without_a_stream_context_faults_and_each_fault_is_recorded_with_its_time()
    {
        var m = Fresh();
        var nvme = m["nvme0"].Address;
        m.Config.Write(nvme, 0x04, 2, 0x0006);
        m.StartDma(nvme, perMillisecond: 2);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(10));
        var faults = m.Iommu.DrainFaults();
        Assert.Equal(20, faults.Count);
        Assert.All(faults, f => Assert.Equal(IommuContextKind.None, f.Context));
        Assert.All(faults, f => Assert.Equal(m.StreamIdOf(nvme), f.StreamId));
        Assert.Equal(SimTime.FromMicroseconds(500), faults[0].Time);
        Assert.Equal(SimTime.FromMilliseconds(10), faults[^1].Time);
        Assert.Empty(m.Iommu.DrainFaults());
    }

    [Fact]
    public void Dma_through_an_attached_context_is_translated_and_a_blocked_context_faults()
    {
        var m = Fresh();
        var nvme = m["nvme0"].Address;
        uint sid = m.StreamIdOf(nvme);
        m.Iommu.Attach(sid, new DomainId(1));
        m.Config.Write(nvme, 0x04, 2, 0x0006);
        m.StartDma(nvme, 1);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(5));
        Assert.Equal(5, m.Iommu.TranslatedCount(sid));
        Assert.Empty(m.Iommu.DrainFaults());
        m.Iommu.Block(sid);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(8));
        var faults = m.Iommu.DrainFaults();
        Assert.Equal(3, faults.Count);
        Assert.All(faults, f => Assert.Equal(IommuContextKind.Blocked, f.Context));
    }

    [Fact]
    public void No_dma_leaves_a_device_without_bus_master_or_while_it_is_in_reset()
    {
        var m = Fresh();
        var cx5 = m["cx5"].Address;
        m.StartDma(cx5, 1);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(3));
        Assert.Equal(0, m.Dma.Issued); // Bus Master Enable clear
        m.Config.Write(cx5, 0x04, 2, 0x0006);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(6));
        Assert.Equal(3, m.Dma.Issued);
        var rp = m["rp1"].Address;
        m.Config.Write(rp, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(20));
        Assert.Equal(3, m.Dma.Issued);
    }

    [Fact]
    public void Dma_needs_bus_master_on_every_bridge_above()
    {
        var m = Fresh();
        var nvme = m["nvme0"].Address;
        m.Config.Write(nvme, 0x04, 2, 0x0006);
        m.Config.Write(m["dsp0"].Address, 0x04, 2, 0x0002);
        m.StartDma(nvme, 1);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(4));
        Assert.Equal(0, m.Dma.Issued);
    }

    [Fact]
    public void Virtual_interrupts_fill_four_list_registers_then_wait_for_one_to_free()
    {
        var m = Fresh();
        var d1 = new DomainId(1);
        for (uint i = 0; i < 5; i++) m.Gic.InjectVirtual(d1, 0, 40 + i);
        var lrs = m.Gic.ListRegisters(d1, 0);
        Assert.Equal([40u, 41u, 42u, 43u], lrs.Select(l => l.VirtualIntId));
        Assert.All(lrs, l => Assert.Equal(ListRegisterState.Pending, l.State));
        Assert.Equal([44u], m.Gic.Overflow(d1, 0));
        Assert.True(m.Gic.Complete(d1, 0, 41));
        Assert.Equal([40u, 44u, 42u, 43u], m.Gic.ListRegisters(d1, 0).Select(l => l.VirtualIntId));
        Assert.DoesNotContain(m.Gic.ListRegisters(new DomainId(2), 0), l => l.State != ListRegisterState.Invalid);
    }

    [Fact]
    public void An_lpi_is_translated_by_the_its_into_the_mapped_domain_and_dropped_once_unmapped()
    {
        var m = Fresh();
        uint dev = m.DeviceIdOf(m["nvme0"].Address);
        m.Gic.MapLpi(dev, 3, new DomainId(2), 8195);
        m.Gic.SignalLpi(dev, 3);
        Assert.Equal(8195u, m.Gic.ListRegisters(new DomainId(2), 0)[0].VirtualIntId);
        m.Gic.UnmapDevice(dev);
        m.Gic.SignalLpi(dev, 3);
        Assert.Equal([true, false], m.Gic.LpiLog.Select(l => l.Mapped));
    }

    [Fact]
    public void A_spi_handler_runs_on_the_event_loop_after_the_raising_access()
    {
        var m = Fresh();
        int calls = 0;
        m.Gic.OnSpi(70, () => calls++);
        m.Gic.SetSpiLevel(70, true);
        Assert.Equal(0, calls);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(1, calls);
        m.Gic.SetSpiLevel(70, true); // still high: no new edge
        m.EventLoop.RunUntilIdle();
        Assert.Equal(1, calls);
    }
}
