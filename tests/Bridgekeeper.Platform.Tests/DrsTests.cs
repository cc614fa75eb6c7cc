using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

/// <summary>Device Readiness Status (PCIe Base 6.0 §6.22.1, §7.5.3.7, §7.5.3.20).</summary>
public class DrsTests
{
    private const ushort DrsReceived = 0x8000;
    private const ushort DrsInterruptEnabled = 0b01 << 14;

    private static string Yaml(bool portDrs, bool deviceDrs) => $$"""
        name: drs
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
                drs: {{(portDrs ? "true" : "false")}}
                children:
                  - { name: ssd, model: samsung-pm9a3, at: "00.0", drs: {{(deviceDrs ? "true" : "false")}}, readiness_ms: { reset: 12.5, flr: 3, vf_enable: 0 } }
        """;

    private static SimulatedMachine Machine(bool portDrs = true, bool deviceDrs = true) =>
        SimulatedMachine.Create(PlatformYamlReader.Read(Yaml(portDrs, deviceDrs), "drs.yaml"));

    // SBR asserted at 1 ms and released at 2 ms: link up 20 ms later (22 ms), the SSD Configuration-Ready
    // 12.5 ms after that: its DRS Message arrives at 34.5 ms exactly.
    private static void SecondaryBusReset(SimulatedMachine m, Sbdf port)
    {
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(1));
        uint bc = m.Config.Read(port, ConfigHeader.BridgeControl, 2);
        m.Config.Write(port, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(2));
        m.Config.Write(port, ConfigHeader.BridgeControl, 2, bc);
    }

    private static ushort LinkStatus2(SimulatedMachine m, SimFunction port) =>
        (ushort)m.Config.Read(port.Address, port.PcieCapability + PciExpressCapability.LinkStatus2, 2);

    [Fact]
    public void The_drs_message_sets_drs_message_received_at_the_nanosecond_the_device_becomes_ready()
    {
        var m = Machine();
        var rp = m["rp"];
        SecondaryBusReset(m, rp.Address);
        m.EventLoop.RunUntil(new SimTime(34_499_999));
        Assert.Equal(0, LinkStatus2(m, rp) & DrsReceived);
        Assert.Equal(0xFFFFu, m.Config.Read(m["ssd"].Address, 0, 2)); // still RRS (all ones without RRS Software Visibility)
        m.EventLoop.RunUntil(new SimTime(34_500_000));
        Assert.Equal(DrsReceived, LinkStatus2(m, rp) & DrsReceived);
        Assert.NotEqual(0xFFFFu, m.Config.Read(m["ssd"].Address, 0, 2));
    }

    [Fact]
    public void Drs_message_received_is_rw1c()
    {
        var m = Machine();
        var rp = m["rp"];
        SecondaryBusReset(m, rp.Address);
        m.EventLoop.RunUntilIdle(10_000);
        int at = rp.PcieCapability + PciExpressCapability.LinkStatus2;
        m.Config.Write(rp.Address, at, 2, 0);
        Assert.Equal(DrsReceived, LinkStatus2(m, rp) & DrsReceived);
        m.Config.Write(rp.Address, at, 2, DrsReceived);
        Assert.Equal(0, LinkStatus2(m, rp) & DrsReceived);
    }

    [Fact]
    public void With_drs_interrupt_enabled_and_msi_on_the_port_signals_its_msi_when_the_message_arrives()
    {
        var m = Machine();
        var rp = m["rp"];
        int msiControl = rp.MsiCapability + MsiCapability.MessageControl;
        m.Config.Write(rp.Address, msiControl, 2, m.Config.Read(rp.Address, msiControl, 2) | MsiCapability.Enable);
        int linkControl = rp.PcieCapability + PciExpressCapability.LinkControl;
        m.Config.Write(rp.Address, linkControl, 2, m.Config.Read(rp.Address, linkControl, 2) | DrsInterruptEnabled);
        SecondaryBusReset(m, rp.Address);
        m.EventLoop.RunUntilIdle(10_000);
        var lpi = Assert.Single(m.Gic.LpiLog);
        Assert.Equal(new SimTime(34_500_000), lpi.Time);
        Assert.Equal(0x20000u + rp.Address.RequesterId.Value, lpi.DeviceId);
        Assert.Equal(0u, lpi.EventId); // Interrupt Message Number 0 (§7.5.3.2)
    }

    [Fact]
    public void With_drs_not_reported_the_bit_is_set_but_no_interrupt_is_sent()
    {
        var m = Machine();
        var rp = m["rp"];
        int msiControl = rp.MsiCapability + MsiCapability.MessageControl;
        m.Config.Write(rp.Address, msiControl, 2, m.Config.Read(rp.Address, msiControl, 2) | MsiCapability.Enable);
        SecondaryBusReset(m, rp.Address);
        m.EventLoop.RunUntilIdle(10_000);
        Assert.Empty(m.Gic.LpiLog);
        Assert.Equal(DrsReceived, LinkStatus2(m, rp) & DrsReceived);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void No_drs_message_is_recorded_unless_both_the_device_and_the_port_support_drs(bool portDrs, bool deviceDrs)
    {
        var m = Machine(portDrs, deviceDrs);
        var rp = m["rp"];
        SecondaryBusReset(m, rp.Address);
        m.EventLoop.RunUntilIdle(10_000);
        Assert.Equal(0, LinkStatus2(m, rp) & DrsReceived);
        uint linkCap2 = m.Config.Read(m["ssd"].Address, m["ssd"].PcieCapability + PciExpressCapability.LinkCapabilities2, 4);
        Assert.Equal(deviceDrs, (linkCap2 & 0x8000_0000u) != 0);
    }
}
