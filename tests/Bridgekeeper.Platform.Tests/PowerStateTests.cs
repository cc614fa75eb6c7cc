using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Pm = Bridgekeeper.Pci.PowerManagementCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>PMCSR PowerState and the D3hot→D0 internal reset (PCIe Base 6.0 §5.3.1.4.1, §5.9, §7.5.2.2).</summary>
public class PowerStateTests
{
    private const string Yaml = """
        name: pm
        host_bridges:
          - name: pcie0
            segment: 0
            ecam: 0x40000000
            bus_range: [0, 15]
            mmio32: { base: 0x50000000, size: 0x10000000 }
            mmio64: { base: 0x4000000000, size: 0x100000000 }
            intx_spi_base: 40
            devices:
              - name: rp0
                model: ampere-altra-root-port
                at: "01.0"
                children:
                  - { name: soft, model: samsung-pm9a3, at: "00.0", no_soft_reset: false }
              - name: rp1
                model: ampere-altra-root-port
                at: "02.0"
                children:
                  - { name: keeps, model: samsung-pm9a3, at: "00.0" }
        """;

    private const uint PoisonedTlp = 1u << 12;

    private static SimulatedMachine Machine() => SimulatedMachine.Create(PlatformYamlReader.Read(Yaml, "pm.yaml"));

    private static void SetPowerState(SimulatedMachine m, SimFunction f, int state)
    {
        int at = f.PmCapability + Pm.ControlStatus;
        m.Config.Write(f.Address, at, 2, (m.Config.Read(f.Address, at, 2) & ~3u) | (uint)state);
    }

    private static uint PowerState(SimulatedMachine m, SimFunction f) => m.Config.Read(f.Address, f.PmCapability + Pm.ControlStatus, 2) & 3;

    [Fact]
    public void D3hot_to_d0_without_no_soft_reset_resets_to_defaults_keeps_sticky_bits_and_answers_rrs_for_exactly_10_ms()
    {
        var m = Machine();
        var f = m["soft"];
        var a = f.Address;
        m.InjectAerError(a, PoisonedTlp, correctable: false);
        uint command = m.Config.Read(a, ConfigHeader.Command, 2);
        Assert.NotEqual(0u, command & ConfigHeader.CommandMemorySpace); // boot firmware enabled it
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(5));
        SetPowerState(m, f, 3);
        Assert.Equal(3u, PowerState(m, f));
        Assert.Equal(command, m.Config.Read(a, ConfigHeader.Command, 2)); // D0→D3hot alone resets nothing
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(7));
        SetPowerState(m, f, 0);
        m.EventLoop.RunUntil(new SimTime(16_999_999));
        Assert.Equal(0xFFFFu, m.Config.Read(a, 0, 2));
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(17));
        Assert.Equal(0x144Du, m.Config.Read(a, 0, 2));
        Assert.Equal(0u, m.Config.Read(a, ConfigHeader.Command, 2));
        Assert.Equal(0u, m.Config.Read(a, ConfigHeader.Bar0, 4) & ~0xFu);
        Assert.Equal(0u, PowerState(m, f));
        Assert.Equal(PoisonedTlp, m.Config.Read(a, f.AerCapability + AerCapability.UncorrectableStatus, 4) & PoisonedTlp);
    }

    [Fact]
    public void D3hot_to_d0_with_no_soft_reset_keeps_the_state_and_stays_ready()
    {
        var m = Machine();
        var f = m["keeps"];
        uint command = m.Config.Read(f.Address, ConfigHeader.Command, 2);
        uint bar = m.Config.Read(f.Address, ConfigHeader.Bar0, 4);
        SetPowerState(m, f, 3);
        SetPowerState(m, f, 0);
        Assert.Equal(0u, PowerState(m, f));
        Assert.Equal(command, m.Config.Read(f.Address, ConfigHeader.Command, 2));
        Assert.Equal(bar, m.Config.Read(f.Address, ConfigHeader.Bar0, 4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_write_of_an_unsupported_d1_or_d2_is_discarded(int state)
    {
        var m = Machine();
        var f = m["soft"];
        SetPowerState(m, f, 3);
        SetPowerState(m, f, state);
        Assert.Equal(3u, PowerState(m, f));
    }

    [Fact]
    public void The_d3hot_to_d0_reset_deasserts_intx()
    {
        var m = Machine();
        var f = m["soft"];
        uint spi = IntxRouter.SpiOf(f)!.Value;
        m.SetIntx(f.Address, true);
        Assert.True(m.Gic.IsSpiAsserted(spi));
        SetPowerState(m, f, 3);
        SetPowerState(m, f, 0);
        Assert.False(m.Gic.IsSpiAsserted(spi));
    }
}
