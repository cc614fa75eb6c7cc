using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Pci.Tests.Config;

public class ConfigSpaceTests
{
    private static readonly RegisterLayout Scratch = RegisterLayout.Of("test", "none",
        new RegisterDef(0x40, 4, "Mixed", Rw: 0x0000_00FF, Rw1c: 0x0000_FF00, Sticky: 0x00FF_FF00, RsvdP: 0xFF00_0000));

    private static ConfigSpace MakeSpace(uint initial)
    {
        var attrs = new ConfigAttributes(ConfigSpace.ExtendedSize);
        attrs.Apply(Scratch, 0);
        var bytes = new byte[ConfigSpace.ExtendedSize];
        BitConverter.TryWriteBytes(bytes.AsSpan(0x40), initial);
        return ConfigSpace.Create(bytes, attrs.Freeze());
    }

    [Fact]
    public void Writing_one_to_rw1c_bit_clears_only_that_bit()
    {
        var cs = MakeSpace(0xAB00_F0_00);
        cs.Write(0x40, 4, 0x0000_1000);
        Assert.Equal(0xAB00_E000u, cs.ReadUInt32(0x40));
    }

    [Fact]
    public void Read_only_and_reserved_preserved_bits_ignore_writes()
    {
        var cs = MakeSpace(0xAB12_0000);
        cs.Write(0x40, 4, 0x00ED_0000);
        Assert.Equal(0xAB12_0000u, cs.ReadUInt32(0x40));
    }

    [Fact]
    public void Rw_bits_take_the_written_value_at_every_width()
    {
        var cs = MakeSpace(0);
        cs.Write(0x40, 1, 0x5A);
        Assert.Equal(0x5Au, cs.Read(0x40, 1));
        cs.Write(0x40, 2, 0x00A5);
        Assert.Equal(0xA5u, cs.Read(0x40, 2));
    }

    [Fact]
    public void Conventional_reset_keeps_exactly_the_sticky_bits()
    {
        var cs = MakeSpace(0x0000_0000);
        cs.Store(0x40, 4, 0xFFFF_FFFF);
        cs.Reset(ResetKind.Conventional);
        Assert.Equal(0x00FF_FF00u, cs.ReadUInt32(0x40));
        cs.Reset(ResetKind.Fundamental);
        Assert.Equal(0u, cs.ReadUInt32(0x40));
    }

    [Theory]
    [InlineData(0x41, 2)]
    [InlineData(0x42, 4)]
    [InlineData(0x1000, 1)]
    [InlineData(0xFFE, 4)]
    [InlineData(-1, 1)]
    [InlineData(0x40, 3)]
    [InlineData(0x40, 8)]
    public void Misaligned_or_out_of_range_access_is_refused(int offset, int size)
    {
        var cs = MakeSpace(0);
        var ex = Assert.Throws<ConfigAccessException>(() => cs.Read(offset, size));
        Assert.Contains("config access", ex.Message);
        Assert.Throws<ConfigAccessException>(() => cs.Write(offset, size, 0));
    }

    [Fact]
    public void A_byte_write_cannot_clear_a_neighbouring_status_byte()
    {
        var cs = MakeSpace(0x0000_FF00);
        cs.Write(0x40, 1, 0xFF);
        Assert.Equal(0x0000_FFFFu, cs.ReadUInt32(0x40));
    }

    [Fact]
    public void Status_register_rw1c_bits_clear_and_capability_bit_stays()
    {
        var bytes = new byte[256];
        bytes[0] = 0x86; bytes[1] = 0x80; // Intel
        bytes[ConfigHeader.Status] = 0x10;       // capabilities list
        bytes[ConfigHeader.Status + 1] = 0xF9;   // every RW1C error bit set
        var cs = ConfigSpace.FromContent(bytes);
        cs.Write(ConfigHeader.Status, 2, 0xFFFF);
        Assert.Equal(0x0010, cs.ReadUInt16(ConfigHeader.Status));
    }

    [Fact]
    public void Secondary_bus_reset_bit_is_writable_and_not_sticky()
    {
        var bytes = new byte[256];
        bytes[0] = 0xE5; bytes[1] = 0x19;
        bytes[ConfigHeader.HeaderType] = 0x01;
        var cs = ConfigSpace.FromContent(bytes);
        cs.Write(ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        Assert.Equal(ConfigHeader.BridgeControlSecondaryBusReset, cs.ReadUInt16(ConfigHeader.BridgeControl));
        cs.Reset(ResetKind.Conventional);
        Assert.Equal(0, cs.ReadUInt16(ConfigHeader.BridgeControl));
    }

    [Fact]
    public void Bar_sizing_reads_back_the_size_mask()
    {
        var bytes = new byte[256];
        bytes[0] = 0x44; bytes[1] = 0x14;
        bytes[0x10] = 0x0C; // 64-bit prefetchable memory
        var attrs = ConfigLayoutCompiler.Compile(bytes);
        attrs.DeclareBar(0x10, 16 * 1024, io: false, is64Bit: true);
        var cs = ConfigSpace.Create(bytes, attrs.Freeze());
        cs.Write(0x10, 4, 0xFFFF_FFFF);
        cs.Write(0x14, 4, 0xFFFF_FFFF);
        Assert.Equal(0xFFFF_C00Cu, cs.ReadUInt32(0x10));
        Assert.Equal(0xFFFF_FFFFu, cs.ReadUInt32(0x14));
    }

    [Fact]
    public void Random_writes_never_change_read_only_bits_and_reset_restores_non_sticky_defaults()
    {
        Gen.Select(Gen.Int[0, 0x3FF], Gen.UInt, Gen.Int[0, 2]).Array[1, 50].Sample(ops =>
        {
            var cs = MakeSpace(0x1234_5678);
            foreach (var (dw, value, sizeSel) in ops)
            {
                int size = 1 << sizeSel;
                int offset = dw * 4;
                cs.Write(offset, size, value);
            }
            // Outside the declared register every byte is read-only zero.
            for (int i = 0; i < ConfigSpace.ExtendedSize; i++)
                if (i < 0x40 || i >= 0x44) Assert.Equal(0, cs.Bytes[i]);
            Assert.Equal(0x12u, cs.ReadByte(0x43)); // RsvdP byte
            uint beforeReset = cs.ReadUInt32(0x40);
            cs.Reset(ResetKind.Conventional);
            Assert.Equal((0x1234_5678u & ~0x00FF_FF00u) | (beforeReset & 0x00FF_FF00u), cs.ReadUInt32(0x40));
        });
    }
}
