using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>VF Enable, hot add, surprise removal and link down.</summary>
public class FabricEventTests
{
    private static SimulatedMachine Fresh() => SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    [Fact]
    public void Vf_enable_creates_the_vfs_after_the_spec_delay_at_their_routing_ids()
    {
        var m = Fresh();
        var pf = m["cx5"];
        int sriov = pf.SriovCapability;
        m.Config.Write(pf.Address, sriov + SriovCapability.NumVfs, 2, 4);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(10));
        var t = m.EventLoop.Now;
        m.Config.Write(pf.Address, sriov + SriovCapability.Control, 2, SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
        var vf1 = new Sbdf(0, pf.Address.Bus, 0, 1);
        m.EventLoop.RunUntil(t + SimTime.FromMilliseconds(100) - new SimTime(1));
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(vf1, 0x08, 4));
        m.EventLoop.RunUntil(t + SimTime.FromMilliseconds(100));
        Assert.Equal(0x0200_0000u, m.Config.Read(vf1, 0x08, 4) & 0xFFFF_FF00); // class code of an Ethernet VF
        Assert.Equal(0xFFFFu, m.Config.Read(vf1, 0x00, 2));                     // VFs read 0xFFFF as Vendor ID (§9.3.4.1.1)
        Assert.Equal(4, pf.VirtualFunctions.Count);
        Assert.Equal(new Sbdf(0, pf.Address.Bus, 0, 4), pf.VirtualFunctions[3].Address);
        Assert.Same(pf, m.Find(vf1)!.PhysicalFunction);

        m.Config.Write(pf.Address, sriov + SriovCapability.Control, 2, 0);
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(vf1, 0x08, 4));
        Assert.Empty(pf.VirtualFunctions);
    }

    [Fact]
    public void Flr_of_the_pf_removes_its_vfs()
    {
        var m = Fresh();
        var pf = m["cx5"];
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.NumVfs, 2, 2);
        m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(2, pf.VirtualFunctions.Count);
        m.Config.Write(pf.Address, pf.PcieCapability + Pcie.DeviceControl, 2, Pcie.DevCtlInitiateFlr);
        Assert.Empty(pf.VirtualFunctions);
    }

    [Fact]
    public void Surprise_removal_makes_the_device_read_all_ones_and_the_port_report_surprise_down()
    {
        var m = Fresh();
        var port = m["dsp1"];
        var nvme = m["nvme1"].Address;
        m.SurpriseRemove(nvme);
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(nvme, 0, 4));
        var c = port.Config;
        Assert.Equal(0, c.ReadUInt16(port.PcieCapability + Pcie.LinkStatus) & Pcie.LinkStaDllActive);
        ushort slot = c.ReadUInt16(port.PcieCapability + Pcie.SlotStatus);
        Assert.Equal(0x0108, slot & 0x0148); // Presence Detect Changed and DLL State Changed set, presence cleared
        Assert.Equal(AerCapability.SurpriseDownError, c.ReadUInt32(port.AerCapability + AerCapability.UncorrectableStatus));
    }

    [Fact]
    public void A_hot_added_device_answers_after_link_training_and_its_readiness_time()
    {
        var m = Fresh();
        var port = m["dsp1"];
        m.SurpriseRemove(m["nvme1"].Address, reportSurpriseDown: false);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(500));
        var t = m.EventLoop.Now;
        Assert.True(DeviceCatalog.TryCreate("intel-p5510", new DeviceOptions(), out var model));
        var fm = model!.Functions[0];
        var added = new SimFunction("new-nvme", fm.Config(), fm.Readiness);
        m.Resets.HotAdd(port, [(added, 0)]);
        var linkUp = t + LinkTiming.TrainingTime(3);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(linkUp + SimTime.FromMilliseconds(60), added.ReadyAt);
        Assert.Equal(0x0B60_8086u, m.Config.Read(added.Address, 0, 4));
        Assert.Equal(new Sbdf(0, 4, 0, 0), added.Address);
    }

    [Fact]
    public void Link_down_holds_everything_below_in_reset_until_the_link_retrains()
    {
        var m = Fresh();
        var rp = m["rp1"];
        var cx5 = m["cx5"].Address;
        m.Config.Write(cx5, 0x04, 2, 0x0006);
        m.LinkDown(rp.Address, reportSurpriseDown: true);
        Assert.Equal(0xFFFF_FFFFu, m.Config.Read(cx5, 0, 4));
        Assert.Equal(AerCapability.SurpriseDownError, rp.Config.ReadUInt32(rp.AerCapability + AerCapability.UncorrectableStatus));
        m.LinkRetrain(rp.Address);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(0x15B3u, m.Config.Read(cx5, 0, 2));
        Assert.Equal(0u, m.Config.Read(cx5, 0x04, 2)); // DL_Down reset the device
    }

    [Fact]
    public void Link_disable_in_link_control_takes_the_link_down_and_clearing_it_retrains()
    {
        var m = Fresh();
        var rp = m["rp1"];
        int lnkctl = rp.PcieCapability + Pcie.LinkControl;
        m.Config.Write(rp.Address, lnkctl, 2, 0x0010);
        Assert.Equal(0xFFFFu, m.Config.Read(m["cx5"].Address, 0, 2));
        m.Config.Write(rp.Address, lnkctl, 2, 0);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(0x15B3u, m.Config.Read(m["cx5"].Address, 0, 2));
    }
}
