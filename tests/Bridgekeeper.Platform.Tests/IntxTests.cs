using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

/// <summary>INTx through bridges to GIC SPIs (PCIe Base 6.0 §2.2.8.1; PCI-to-PCI Bridge 1.2 §9.1).</summary>
public class IntxTests
{
    private const ushort InterruptStatus = 0x0008;

    private static SimulatedMachine Fresh() => SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    // Built-in Arm server: segment 0 INTA = SPI 96, segment 1 INTA = SPI 100. Swizzle: pin index plus
    // the device number below each bridge and on the root bus, mod 4. nvme0: 0 (nvme0) + 0 (dsp0) + 0 (usp) + 1 (rp0) = INTB.
    [Theory]
    [InlineData("nvme0", 97u)]
    [InlineData("nvme1", 98u)]   // dsp1 is device 1
    [InlineData("nic2", 99u)]    // dsp2 is device 2
    [InlineData("cx5", 98u)]     // rp1 is device 2
    [InlineData("legacy-nic", 99u)] // device 4 behind pcibridge (0) behind rp2 (3): 7 mod 4 = INTD
    [InlineData("nvme10", 101u)] // segment 1, rp10 is device 1
    public void Firmware_writes_interrupt_line_with_the_spi_the_swizzled_pin_reaches(string name, uint spi)
    {
        var m = Fresh();
        Assert.Equal(spi, IntxRouter.SpiOf(m[name]));
        Assert.Equal(spi, m.Config.Read(m[name].Address, ConfigHeader.InterruptLine, 1));
    }

    [Fact]
    public void Asserting_intx_raises_the_level_spi_and_interrupt_status_and_deasserting_lowers_both()
    {
        var m = Fresh();
        var nvme = m["nvme0"].Address;
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(3));
        m.SetIntx(nvme, true);
        Assert.True(m.Gic.IsSpiAsserted(97));
        Assert.Equal((SimTime.FromMilliseconds(3), 97u), m.Gic.SpiLog[^1]);
        Assert.Equal(InterruptStatus, m.Config.Read(nvme, ConfigHeader.Status, 2) & InterruptStatus);
        m.SetIntx(nvme, false);
        Assert.False(m.Gic.IsSpiAsserted(97));
        Assert.Equal(0u, m.Config.Read(nvme, ConfigHeader.Status, 2) & InterruptStatus);
    }

    [Fact]
    public void Interrupt_disable_masks_the_wire_but_not_interrupt_status_and_clearing_it_delivers_at_that_instant()
    {
        var m = Fresh();
        var nvme = m["nvme0"].Address;
        uint command = m.Config.Read(nvme, ConfigHeader.Command, 2);
        m.Config.Write(nvme, ConfigHeader.Command, 2, command | ConfigHeader.CommandInterruptDisable);
        int edges = m.Gic.SpiLog.Count;
        m.SetIntx(nvme, true);
        Assert.False(m.Gic.IsSpiAsserted(97));
        Assert.Equal(edges, m.Gic.SpiLog.Count);
        Assert.Equal(InterruptStatus, m.Config.Read(nvme, ConfigHeader.Status, 2) & InterruptStatus);
        m.EventLoop.RunUntil(new SimTime(7_000_123));
        m.Config.Write(nvme, ConfigHeader.Command, 2, command);
        Assert.True(m.Gic.IsSpiAsserted(97));
        Assert.Equal((new SimTime(7_000_123), 97u), m.Gic.SpiLog[^1]);
        m.Config.Write(nvme, ConfigHeader.Command, 2, command | ConfigHeader.CommandInterruptDisable);
        Assert.False(m.Gic.IsSpiAsserted(97));
    }

    [Fact]
    public void Two_functions_on_one_spi_are_wire_ored_until_both_deassert()
    {
        var m = Fresh();
        var nic2 = m["nic2"].Address;
        var legacy = m["legacy-nic"].Address;
        m.SetIntx(nic2, true);
        m.SetIntx(legacy, true);
        m.SetIntx(nic2, false);
        Assert.True(m.Gic.IsSpiAsserted(99));
        m.SetIntx(legacy, false);
        Assert.False(m.Gic.IsSpiAsserted(99));
    }

    [Fact]
    public void A_function_level_reset_deasserts_intx_and_clears_interrupt_status()
    {
        var m = Fresh();
        var f = m["nvme0"];
        m.SetIntx(f.Address, true);
        int devCtl = f.PcieCapability + PciExpressCapability.DeviceControl;
        m.Config.Write(f.Address, devCtl, 2, m.Config.Read(f.Address, devCtl, 2) | PciExpressCapability.DevCtlInitiateFlr);
        Assert.False(m.Gic.IsSpiAsserted(97));
        Assert.False(f.IntxAsserted);
        Assert.Equal(0, f.Config.ReadUInt16(ConfigHeader.Status) & InterruptStatus);
    }

    [Fact]
    public void A_host_bridge_without_intx_spis_routes_nothing_and_firmware_writes_line_ff()
    {
        var yaml = BuiltInPlatforms.ArmServerYaml.Replace("    intx_spi_base: 96\n", "", StringComparison.Ordinal);
        var m = SimulatedMachine.Create(PlatformYamlReader.Read(yaml, "no-intx.yaml"));
        Assert.Null(IntxRouter.SpiOf(m["nvme0"]));
        Assert.Equal(0xFFu, m.Config.Read(m["nvme0"].Address, ConfigHeader.InterruptLine, 1));
        int edges = m.Gic.SpiLog.Count;
        m.SetIntx(m["nvme0"].Address, true);
        Assert.Equal(edges, m.Gic.SpiLog.Count);
    }

    [Fact]
    public void A_function_without_an_interrupt_pin_cannot_assert_intx()
    {
        var m = Fresh();
        Assert.Throws<InvalidOperationException>(() => m.SetIntx(m["usp"].Address, true));
    }
}
