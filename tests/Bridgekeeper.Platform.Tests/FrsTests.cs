using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Frs = Bridgekeeper.Pci.FrsQueueingCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>Function Readiness Status messages and the Root Port's FRS Queueing capability (PCIe Base 6.0 §6.22.2-3, §7.8.10).</summary>
public class FrsTests
{
    private static string Yaml(bool deviceFrs = true, bool portFrs = true) => $$"""
        name: frs
        host_bridges:
          - name: pcie0
            segment: 0
            ecam: 0x40000000
            bus_range: [0, 15]
            mmio32: { base: 0x50000000, size: 0x10000000 }
            mmio64: { base: 0x4000000000, size: 0x100000000 }
            device_id_base: 0x20000
            devices:
              - name: rp
                model: ampere-altra-root-port
                at: "01.0"
                link_training_ms: 20
                spi: 70
                drs: true
                frs: {{(portFrs ? "true" : "false")}}
                children:
                  - { name: ssd, model: samsung-pm9a3, at: "00.0", drs: true, frs: {{(deviceFrs ? "true" : "false")}}, no_soft_reset: false, readiness_ms: { reset: 12.5, flr: 3, vf_enable: 0 } }
              - name: rp2
                model: ampere-altra-root-port
                at: "02.0"
                frs: true
                children:
                  - { name: cx5, model: mellanox-connectx5, at: "00.0", frs: true, readiness_ms: { reset: 90, flr: 50, vf_enable: 7 } }
              - { name: zip, model: hisilicon-zip, at: "1e.0", frs: true }
              - { name: rcec, model: rcec, at: "1f.0", frs: true }
        """;

    private static SimulatedMachine Machine(bool deviceFrs = true, bool portFrs = true) =>
        SimulatedMachine.Create(PlatformYamlReader.Read(Yaml(deviceFrs, portFrs), "frs.yaml"));

    private static uint QueueRegister(SimulatedMachine m, SimFunction port) => m.Config.Read(port.Address, port.FrsCapability + Frs.MessageQueue, 4);

    private static ushort Status(SimulatedMachine m, SimFunction port) => (ushort)m.Config.Read(port.Address, port.FrsCapability + Frs.Status, 2);

    private static void Flr(SimulatedMachine m, SimFunction f)
    {
        int at = f.PcieCapability + Pcie.DeviceControl;
        m.Config.Write(f.Address, at, 2, m.Config.Read(f.Address, at, 2) | Pcie.DevCtlInitiateFlr);
    }

    private static void FlrAndWait(SimulatedMachine m, SimFunction f)
    {
        Flr(m, f);
        m.EventLoop.RunFor(SimTime.FromMilliseconds(3));
    }

    [Fact]
    public void After_flr_the_frs_message_is_queued_at_the_root_port_at_the_nanosecond_the_function_is_ready()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        Flr(m, ssd);
        m.EventLoop.RunUntil(new SimTime(3_999_999));
        Assert.Equal(0u, QueueRegister(m, rp));
        Assert.Equal(0, Status(m, rp));
        Assert.Equal(0xFFFFu, m.Config.Read(ssd.Address, 0, 2)); // still RRS
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(4));
        Assert.Equal(Frs.MessageReceived, Status(m, rp));
        Assert.Equal(ssd.Address.RequesterId.Value | 0b0011u << 16 | 1u << 20, QueueRegister(m, rp)); // FLR Completed, depth 1
        var message = Assert.Single(m.FrsMessages);
        Assert.Equal((SimTime.FromMilliseconds(4), FrsReason.FlrCompleted, rp), (message.Time, message.Reason, message.Collector));
    }

    [Fact]
    public void Writing_the_frs_message_queue_register_removes_the_oldest_entry()
    {
        var m = Machine();
        var (rp, ssd, cx5) = (m["rp"], m["ssd"], m["cx5"]);
        FlrAndWait(m, ssd);
        var pm = ssd.PmCapability + PowerManagementCapability.ControlStatus;
        m.Config.Write(ssd.Address, pm, 2, 3);            // D3hot
        m.Config.Write(ssd.Address, pm, 2, 0);            // D3hot→D0 with No_Soft_Reset = 0: ready 10 ms later
        m.EventLoop.RunFor(SimTime.FromMilliseconds(10));
        Assert.Equal(ssd.Address.RequesterId.Value | 0b0011u << 16 | 2u << 20, QueueRegister(m, rp));
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.MessageQueue, 4, 0x1234_5678); // any value dequeues
        Assert.Equal(ssd.Address.RequesterId.Value | 0b0010u << 16 | 1u << 20, QueueRegister(m, rp)); // D3hot→D0 Completed
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.MessageQueue, 4, 0);
        Assert.Equal(0u, QueueRegister(m, rp));
        Assert.Equal(Frs.MessageReceived, Status(m, rp)); // RW1C: stays until software clears it
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Status, 2, Frs.MessageReceived);
        Assert.Equal(0, Status(m, rp));
        Assert.DoesNotContain(m.FrsMessages, x => x.From == cx5);
    }

    [Fact]
    public void A_message_that_finds_the_queue_full_is_discarded_sets_overflow_and_keeps_the_queue()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        int depth = (int)(m.Config.Read(rp.Address, rp.FrsCapability + Frs.Capability, 4) & Frs.MaxDepthMask);
        Assert.Equal(DeviceCatalog.FrsQueueDepth, depth);
        for (int i = 0; i < depth; i++) FlrAndWait(m, ssd);
        Assert.Equal(Frs.MessageReceived, Status(m, rp));
        FlrAndWait(m, ssd);
        Assert.Equal(Frs.MessageReceived | Frs.MessageOverflow, Status(m, rp));
        Assert.Equal(ssd.Address.RequesterId.Value | 0b0011u << 16 | (uint)depth << 20, QueueRegister(m, rp));
        Assert.True(m.FrsMessages[^1].Overflowed);
        Assert.Equal(depth, m.FrsMessages.Count(x => !x.Overflowed));
    }

    [Fact]
    public void With_frs_interrupt_enable_and_msi_the_port_interrupts_on_each_rising_edge_only()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        int msi = rp.MsiCapability + MsiCapability.MessageControl;
        m.Config.Write(rp.Address, msi, 2, m.Config.Read(rp.Address, msi, 2) | MsiCapability.Enable);
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Control, 2, Frs.InterruptEnable);
        Assert.Equal(Frs.InterruptEnable, (ushort)m.Config.Read(rp.Address, rp.FrsCapability + Frs.Control, 2));
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        FlrAndWait(m, ssd);                     // ready at 4 ms: Received 0→1
        FlrAndWait(m, ssd);                     // ready at 7 ms: Received already set, no interrupt
        var lpi = Assert.Single(m.Gic.LpiLog);
        Assert.Equal(SimTime.FromMilliseconds(4), lpi.Time);
        Assert.Equal(0x20000u + rp.Address.RequesterId.Value, lpi.DeviceId);
        Assert.Equal(0u, lpi.EventId);          // FRS Interrupt Message Number 0
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Status, 2, Frs.MessageReceived);
        FlrAndWait(m, ssd);                     // ready at 10 ms: rising again
        Assert.Equal(2, m.Gic.LpiLog.Count);
        Assert.Equal(SimTime.FromMilliseconds(10), m.Gic.LpiLog[1].Time);
    }

    [Fact]
    public void Vf_enable_and_vf_disable_send_frs_messages_from_the_pf()
    {
        var m = Machine();
        var (rp2, cx5) = (m["rp2"], m["cx5"]);
        int sriov = cx5.SriovCapability;
        m.Config.Write(cx5.Address, sriov + SriovCapability.NumVfs, 2, 2);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        m.Config.Write(cx5.Address, sriov + SriovCapability.Control, 2, SriovCapability.VfEnable);
        m.EventLoop.RunUntil(new SimTime(7_999_999));
        Assert.Empty(m.FrsMessages);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(8));
        var enabled = Assert.Single(m.FrsMessages);
        Assert.Equal((FrsReason.VfEnabled, cx5.Address.RequesterId.Value, rp2), (enabled.Reason, enabled.RequesterId, enabled.Collector));
        Assert.Equal(2, cx5.VirtualFunctions.Count);
        m.Config.Write(cx5.Address, sriov + SriovCapability.Control, 2, 0);
        Assert.Equal(FrsReason.VfDisabled, m.FrsMessages[^1].Reason);
        Assert.Equal(SimTime.FromMilliseconds(8), m.FrsMessages[^1].Time);
        Assert.Equal(2u << 20 | 0b0100u << 16 | cx5.Address.RequesterId.Value, QueueRegister(m, rp2));
    }

    [Fact]
    public void Drs_signaling_control_10b_makes_the_root_port_queue_an_frs_message_for_the_drs_message()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        int linkControl = rp.PcieCapability + Pcie.LinkControl;
        m.Config.Write(rp.Address, linkControl, 2, m.Config.Read(rp.Address, linkControl, 2) | 0b10 << 14);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        uint bc = m.Config.Read(rp.Address, ConfigHeader.BridgeControl, 2);
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(2));
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc);
        // Link up 20 ms after release, the SSD ready 12.5 ms later: its DRS Message arrives at 34.5 ms.
        m.EventLoop.RunUntil(new SimTime(34_499_999));
        Assert.Equal(0u, QueueRegister(m, rp));
        m.EventLoop.RunUntil(new SimTime(34_500_000));
        Assert.Equal(rp.Address.RequesterId.Value | 0b0001u << 16 | 1u << 20, QueueRegister(m, rp)); // from the port: DRS Message Received
        Assert.Equal(0x8000u, m.Config.Read(rp.Address, rp.PcieCapability + Pcie.LinkStatus2, 2) & 0x8000);
        Assert.DoesNotContain(m.FrsMessages, x => x.From == ssd); // a conventional reset is a DRS Event, not an FRS Event
    }

    [Fact]
    public void A_function_without_frs_supported_sends_nothing()
    {
        var m = Machine(deviceFrs: false);
        var (rp, ssd) = (m["rp"], m["ssd"]);
        Assert.Equal(0u, m.Config.Read(ssd.Address, ssd.PcieCapability + Pcie.DeviceCapabilities2, 4) & 0x8000_0000);
        FlrAndWait(m, ssd);
        Assert.Empty(m.FrsMessages);
        Assert.Equal(0u, QueueRegister(m, rp));
    }

    [Fact]
    public void A_root_port_without_frs_queueing_records_nothing_but_the_message_is_sent()
    {
        var m = Machine(portFrs: false);
        var (rp, ssd) = (m["rp"], m["ssd"]);
        Assert.Equal(0, rp.FrsCapability);
        FlrAndWait(m, ssd);
        var message = Assert.Single(m.FrsMessages);
        Assert.Null(message.Collector);
    }

    [Fact]
    public void A_conventional_reset_before_the_flr_completes_cancels_its_frs_message()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        Flr(m, ssd); // would be ready at 3 ms
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        uint bc = m.Config.Read(rp.Address, ConfigHeader.BridgeControl, 2);
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(2));
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, bc);
        m.EventLoop.RunUntilIdle(10_000);
        Assert.Empty(m.FrsMessages);
        Assert.Equal(0u, QueueRegister(m, rp));
    }

    [Fact]
    public void The_root_port_queue_empties_when_its_link_goes_down()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        FlrAndWait(m, ssd);
        Assert.NotEqual(0u, QueueRegister(m, rp));
        m.LinkDown(rp.Address, reportSurpriseDown: false);
        Assert.Equal(0u, QueueRegister(m, rp));
        Assert.Equal(Frs.MessageReceived, Status(m, rp));
    }

    [Fact]
    public void An_rciep_frs_message_is_queued_at_the_rcec()
    {
        var m = Machine();
        var (zip, rcec) = (m["zip"], m["rcec"]);
        Flr(m, zip);
        m.EventLoop.RunUntil(new SimTime(9_999_999)); // the ZIP model's FLR readiness: 10 ms
        Assert.Equal(0u, QueueRegister(m, rcec));
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(10));
        Assert.Equal(zip.Address.RequesterId.Value | 0b0011u << 16 | 1u << 20, QueueRegister(m, rcec));
        Assert.Same(rcec, Assert.Single(m.FrsMessages).Collector);
    }

    [Fact]
    public void Without_msi_the_frs_interrupt_is_the_wired_spi_held_while_an_enabled_bit_is_set_and_shared_with_aer()
    {
        var m = Machine();
        var (rp, ssd) = (m["rp"], m["ssd"]);
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Control, 2, Frs.InterruptEnable);
        FlrAndWait(m, ssd);
        Assert.True(m.Gic.IsSpiAsserted(70));
        Assert.Empty(m.Gic.LpiLog);
        // An AER condition on the same line: clearing the FRS bit alone keeps the line up.
        int aer = rp.AerCapability;
        m.Config.Write(rp.Address, aer + AerCapability.RootErrorCommand, 4, AerCapability.CorrectableReportingEnable);
        foreach (var f in new[] { ssd, rp }) // Correctable Error Reporting Enable at each hop; SERR# Enable at the port (QEMU semantics)
            m.Config.Write(f.Address, f.PcieCapability + Pcie.DeviceControl, 2, m.Config.Read(f.Address, f.PcieCapability + Pcie.DeviceControl, 2) | Pcie.DevCtlCorrectableReporting);
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSerrEnable);
        Assert.Equal(AerInjectOutcome.Injected, m.InjectAerError(ssd.Address, AerCapability.BadTlp, correctable: true));
        Assert.NotEqual(0u, rp.Config.ReadUInt32(aer + AerCapability.RootErrorStatus) & AerCapability.ErrCorReceived);
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Status, 2, Frs.MessageReceived);
        Assert.True(m.Gic.IsSpiAsserted(70));
        m.Config.Write(rp.Address, aer + AerCapability.RootErrorStatus, 4, 0xFFFF_FFFF);
        Assert.False(m.Gic.IsSpiAsserted(70));
        // Disabling the FRS interrupt with a bit set drops the line too.
        FlrAndWait(m, ssd);
        Assert.True(m.Gic.IsSpiAsserted(70));
        m.Config.Write(rp.Address, rp.FrsCapability + Frs.Control, 2, 0);
        Assert.False(m.Gic.IsSpiAsserted(70));
    }
}
