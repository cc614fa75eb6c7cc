using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// I/O BARs (PCIe Base 6.0 §7.5.1.2.1) and bridge I/O windows (§7.5.1.3.6, §7.5.1.3.11; PCI-to-PCI
/// Bridge 1.2 §3.2.5.6): sizing by writing all ones, placement by boot firmware inside the host
/// bridge's I/O window, 4 KiB bridge windows.
/// </summary>
public class IoBarTests
{
    private const int Bar2 = ConfigHeader.Bar0 + 8;

    private static readonly SimulatedMachine Machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    private static (ulong Base, ulong Limit) IoWindow(SimFunction bridge)
    {
        var c = bridge.Config;
        ulong upperBase = c.ReadUInt16(ConfigHeader.IoBaseUpper), upperLimit = c.ReadUInt16(ConfigHeader.IoLimitUpper);
        return ((ulong)(c.ReadByte(ConfigHeader.IoBase) & 0xF0) << 8 | upperBase << 16,
                (ulong)(c.ReadByte(ConfigHeader.IoLimit) & 0xF0) << 8 | 0xFFF | upperLimit << 16);
    }

    [Fact]
    public void Sizing_an_io_bar_by_writing_all_ones_reads_back_the_size_mask_with_bit_0_set()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var nic = m["legacy-nic"].Address;
        uint original = m.Config.Read(nic, Bar2, 4);
        Assert.Equal(1u, original & 0x3); // I/O Space indicator, reserved bit 1
        m.Config.Write(nic, Bar2, 4, 0xFFFF_FFFF);
        Assert.Equal(0xFFFF_FFF9u, m.Config.Read(nic, Bar2, 4)); // 8 bytes: address bits 31:3 writable
        m.Config.Write(nic, Bar2, 4, original);
        Assert.Equal(original, m.Config.Read(nic, Bar2, 4));
    }

    [Fact]
    public void Boot_places_the_io_bar_in_the_host_io_window_and_inside_every_bridge_io_window_above()
    {
        var nic = Machine["legacy-nic"];
        var (f, offset, address, size) = Assert.Single(Machine.Boot!.IoPlacements);
        Assert.Same(nic, f);
        Assert.Equal(Bar2, offset);
        Assert.Equal(8ul, size);
        Assert.Equal(address | 1, nic.Config.ReadUInt32(Bar2));
        Assert.Equal(0ul, address % size);
        var host = nic.Bus!.HostBridge;
        Assert.InRange(address, host.IoBase, host.IoBase + host.IoSize - size);
        int bridges = 0;
        for (var b = nic.UpstreamBridge; b is not null; b = b.UpstreamBridge, bridges++)
        {
            var (lo, hi) = IoWindow(b);
            Assert.True(address >= lo && address + size - 1 <= hi, $"{b.Name} I/O window 0x{lo:x}-0x{hi:x} misses 0x{address:x}");
            Assert.Equal(0ul, lo % 0x1000);
            Assert.NotEqual(0, b.Config.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandIoSpace);
        }
        Assert.Equal(2, bridges); // the ASM1083 and root port rp2
        Assert.NotEqual(0, nic.Config.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandIoSpace);
    }

    [Fact]
    public void Bridges_with_no_io_below_get_a_closed_io_window_and_no_io_space()
    {
        foreach (var name in new[] { "rp0", "usp", "dsp0", "rp1", "rp3", "rp10" })
        {
            var c = Machine[name].Config;
            Assert.Equal(0xF1, c.ReadByte(ConfigHeader.IoBase));  // base 0xF000 above limit 0x0FFF: closed; 32-bit addressing
            Assert.Equal(0x01, c.ReadByte(ConfigHeader.IoLimit));
            Assert.Equal(0, c.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandIoSpace);
        }
    }

    [Fact]
    public void Catalog_bridges_advertise_32_bit_io_addressing_and_keep_it_read_only()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var rp = m["rp0"].Address;
        m.Config.Write(rp, ConfigHeader.IoBase, 2, 0x0000);
        Assert.Equal(0x0101u, m.Config.Read(rp, ConfigHeader.IoBase, 2));
        m.Config.Write(rp, ConfigHeader.IoBaseUpper, 4, 0x0002_0001);
        Assert.Equal(0x0002_0001u, m.Config.Read(rp, ConfigHeader.IoBaseUpper, 4)); // Upper 16 Bits are RW with 32-bit addressing
    }

    [Fact]
    public void A_cloned_bridge_with_16_bit_io_addressing_has_read_only_upper_16_bits()
    {
        var m = SimulatedMachine.Clone(AerReferenceRoundTests.LoadPhase("drivers"));
        var rp = Sbdf.Parse("0000:00:02.0"); // QEMU's pcie-root-port: I/O Base 0xE0, bits 3:0 = 0h
        Assert.Equal(0xE0u, m.Config.Read(rp, ConfigHeader.IoBase, 1));
        m.Config.Write(rp, ConfigHeader.IoBaseUpper, 4, 0x0002_0001);
        Assert.Equal(0u, m.Config.Read(rp, ConfigHeader.IoBaseUpper, 4));
        m.Config.Write(rp, ConfigHeader.IoBase, 1, 0x10);
        Assert.Equal(0x10u, m.Config.Read(rp, ConfigHeader.IoBase, 1)); // bits 7:4 stay writable
    }

    [Fact]
    public void An_io_bar_with_no_host_io_window_stays_unassigned_with_io_space_off()
    {
        var m = SimulatedMachine.Create(PlatformYamlReader.Read("""
            name: no-io
            host_bridges:
              - name: pcie0
                segment: 0
                ecam: 0x40000000
                bus_range: [0, 7]
                mmio32: { base: 0x50000000, size: 0x1000000 }
                devices:
                  - name: rp
                    model: ampere-altra-root-port
                    at: "01.0"
                    children:
                      - name: bridge
                        model: asmedia-asm1083
                        at: "00.0"
                        children:
                          - { name: nic, model: intel-82540em, at: "04.0" }
            """, "no-io.yaml"));
        var nic = m["nic"];
        Assert.Empty(m.Boot!.IoPlacements);
        var (f, offset, size) = Assert.Single(m.Boot.Unassigned);
        Assert.Same(nic, f);
        Assert.Equal((Bar2, 8ul), (offset, size));
        Assert.Equal(1u, nic.Config.ReadUInt32(Bar2));
        ushort command = nic.Config.ReadUInt16(ConfigHeader.Command);
        Assert.Equal(0, command & ConfigHeader.CommandIoSpace);
        Assert.NotEqual(0, command & ConfigHeader.CommandMemorySpace); // its memory BAR was placed
    }

    [Fact]
    public void An_io_window_beyond_32_bit_io_space_is_rejected_with_line_and_field()
    {
        var e = Assert.Throws<PlatformFormatException>(() => PlatformYamlReader.Read("""
            name: bad
            host_bridges:
              - name: pcie0
                segment: 0
                ecam: 0x40000000
                bus_range: [0, 7]
                io: { base: 0xFFFFF000, size: 0x2000 }
            """, "bad.yaml"));
        Assert.Contains("io", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 7", e.Message, StringComparison.Ordinal);
    }
}
