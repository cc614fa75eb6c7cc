using Bridgekeeper.Hypervisor.Vpci;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

public class VirtualRegisterTableTests
{
    private sealed class Cell(uint value)
    {
        public uint Value = value;
        public List<uint> Written { get; } = [];
        public uint Read(int offset, int size) => Value;
        public void Write(int offset, int size, uint v) { Written.Add(v); Value = v; }
    }

    private static VirtualRegister Reg(int offset, int size, Cell cell, uint ro = 0, uint rw1c = 0, uint rsvdP = 0, uint rsvdZ = 0, string name = "r") =>
        new(offset, size, name, cell.Read, cell.Write, ro, rw1c, rsvdP, rsvdZ);

    [Fact]
    public void Adding_a_register_that_overlaps_another_is_refused()
    {
        var table = new VirtualRegisterTable();
        table.Add(Reg(0x10, 4, new Cell(0), name: "BAR0"));
        var e = Assert.Throws<VirtualRegisterConflictException>(() => table.Add(Reg(0x12, 2, new Cell(0), name: "half")));
        Assert.Contains("overlaps BAR0", e.Message);
        Assert.Equal(1, table.Count);
    }

    [Theory]
    [InlineData(0x10, 3, 0u, 0u, "size 3")]
    [InlineData(0x11, 2, 0u, 0u, "not aligned")]
    [InlineData(0xFFE, 4, 0u, 0u, "outside")]
    [InlineData(0x1000, 4, 0u, 0u, "outside")]
    [InlineData(0x10, 2, 0x1_0000u, 0u, "beyond")]
    [InlineData(0x10, 4, 0x0Fu, 0x01u, "overlap")]
    public void A_registration_with_bad_size_alignment_or_masks_is_refused(int offset, int size, uint ro, uint rw1c, string why)
    {
        var table = new VirtualRegisterTable();
        var e = Assert.Throws<VirtualRegisterConflictException>(() => table.Add(Reg(offset, size, new Cell(0), ro, rw1c)));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_register_without_any_handler_is_refused()
    {
        var table = new VirtualRegisterTable();
        Assert.Throws<VirtualRegisterConflictException>(() => table.Add(new VirtualRegister(0, 4, "none", null, null)));
    }

    [Fact]
    public void Unregistered_bytes_read_all_ones_and_writes_to_them_are_dropped_and_counted()
    {
        var table = new VirtualRegisterTable();
        var cell = new Cell(0x1234);
        table.Add(Reg(0x02, 2, cell));
        Assert.Equal(0x1234_FFFFUL, table.Read(0x00, 4));
        Assert.Equal(0xFFFF_FFFFUL, table.Read(0x40, 4));
        Assert.Equal(2, table.UnclaimedReads);
        table.Write(0x00, 4, 0xAAAA_5555);
        Assert.Equal(0xAAAAu, cell.Value);
        Assert.Equal(1, table.DroppedWrites);
        table.Write(0x80, 1, 0);
        Assert.Equal(2, table.DroppedWrites);
    }

    [Fact]
    public void A_dword_read_spanning_three_registers_merges_their_bytes()
    {
        var table = new VirtualRegisterTable();
        table.Add(Reg(0x0C, 1, new Cell(0x11)));
        table.Add(Reg(0x0D, 1, new Cell(0x22)));
        table.Add(Reg(0x0E, 2, new Cell(0x4433)));
        Assert.Equal(0x4433_2211UL, table.Read(0x0C, 4));
        Assert.Equal(0x2211UL, table.Read(0x0C, 2));
        Assert.Equal(0x44UL, table.Read(0x0F, 1));
    }

    [Fact]
    public void A_dword_write_is_split_across_the_registers_it_covers()
    {
        var table = new VirtualRegisterTable();
        var a = new Cell(0); var b = new Cell(0);
        table.Add(Reg(0x04, 2, a));
        table.Add(Reg(0x06, 2, b));
        table.Write(0x04, 4, 0xBEEF_CAFE);
        Assert.Equal(0xCAFEu, a.Value);
        Assert.Equal(0xBEEFu, b.Value);
    }

    [Fact]
    public void Writing_one_byte_never_clears_rw1c_bits_in_the_neighbouring_byte()
    {
        var table = new VirtualRegisterTable();
        var status = new Cell(0x8010);
        var shadow = status;
        // Status-like register: bit 15 RW1C, bit 4 RW; shadow semantics applied by the handler.
        table.Add(new VirtualRegister(0x06, 2, "Status", status.Read, (o, s, v) => status.Value = (v & ~0x8000u) | (status.Value & 0x8000u & ~v), Rw1c: 0x8000));
        table.Write(0x06, 1, 0x00);
        Assert.Equal(0x8000u, shadow.Value & 0x8000u);
        table.Write(0x07, 1, 0x80);
        Assert.Equal(0u, shadow.Value & 0x8000u);
    }

    [Fact]
    public void Read_only_and_rsvdp_bits_keep_their_value_and_rsvdz_bits_are_written_zero_and_reserved_bits_read_zero()
    {
        var table = new VirtualRegisterTable();
        var cell = new Cell(0x0000_F0F0);
        table.Add(Reg(0x20, 4, cell, ro: 0x0000_00F0, rsvdP: 0x0000_F000, rsvdZ: 0xF000_0000));
        table.Write(0x20, 4, 0xFFFF_0000);
        Assert.Equal(0x0FFF_F0F0u, cell.Written[^1]);
        Assert.Equal(0x0FFF_00F0UL, table.Read(0x20, 4));
    }

    [Fact]
    public void A_partial_write_is_read_modify_write_of_the_register()
    {
        var table = new VirtualRegisterTable();
        var cell = new Cell(0x1122_3344);
        table.Add(Reg(0x10, 4, cell));
        table.Write(0x12, 1, 0xAB);
        Assert.Equal(0x11AB_3344u, cell.Value);
    }

    [Fact]
    public void An_eight_byte_access_is_split_into_two_dwords_low_first()
    {
        var table = new VirtualRegisterTable();
        var lo = new Cell(0x1111_1111); var hi = new Cell(0x2222_2222);
        table.Add(Reg(0x10, 4, lo));
        table.Add(Reg(0x14, 4, hi));
        Assert.Equal(0x2222_2222_1111_1111UL, table.Read(0x10, 8));
        table.Write(0x10, 8, 0xAAAA_AAAA_BBBB_BBBBUL);
        Assert.Equal(0xBBBB_BBBBu, lo.Value);
        Assert.Equal(0xAAAA_AAAAu, hi.Value);
    }

    [Theory]
    [InlineData(0x02, 4)]
    [InlineData(0x04, 8)]
    [InlineData(0x01, 2)]
    [InlineData(0xFFC, 8)]
    [InlineData(0x10, 3)]
    public void An_access_the_spec_does_not_allow_reads_all_ones_writes_nothing_and_is_counted(int offset, int size)
    {
        var table = new VirtualRegisterTable();
        var cell = new Cell(0);
        for (int at = 0; at < 0x20; at += 4) table.Add(Reg(at, 4, cell));
        ulong ones = size >= 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        Assert.Equal(ones, table.Read(offset, size));
        table.Write(offset, size, 0x1234);
        Assert.Empty(cell.Written);
        Assert.Equal(2, table.RefusedAccesses);
    }

    [Fact]
    public void Removing_a_range_that_cuts_a_register_is_refused_and_whole_registers_are_removed()
    {
        var table = new VirtualRegisterTable();
        table.Add(Reg(0x10, 4, new Cell(1)));
        table.Add(Reg(0x14, 2, new Cell(2)));
        Assert.Throws<VirtualRegisterConflictException>(() => table.Remove(0x12, 4));
        Assert.Equal(2, table.Remove(0x10, 8));
        Assert.Equal(0xFFFF_FFFFUL, table.Read(0x10, 4));
    }

    [Fact]
    public void A_null_read_handler_reads_all_ones_and_a_null_write_handler_ignores_writes()
    {
        var table = new VirtualRegisterTable();
        var cell = new Cell(0x55);
        table.Add(new VirtualRegister(0x00, 4, "write-only", null, cell.Write));
        table.Add(new VirtualRegister(0x04, 4, "read-only", cell.Read, null));
        Assert.Equal(0xFFFF_FFFFUL, table.Read(0x00, 4));
        table.Write(0x04, 4, 0x99);
        Assert.Equal(0x55u, cell.Value);
        Assert.Equal(0, table.DroppedWrites);
    }
}
