using Bridgekeeper.TestSupport;
using CsCheck;

namespace Bridgekeeper.Pci.Tests.Import;

public class LspciDumpReaderTests
{
    private const string Header = "00: 86 80 37 12 07 00 00 00 02 00 00 06 00 00 00 00\n";

    [Fact]
    public void Bytes_not_given_read_all_ones_and_the_capture_length_is_the_highest_byte_given()
    {
        var host = LspciDumpReader.ReadText("00:1f.3 Audio device\n00: 86 80 c8 9d\n20: 11\n");
        var f = Assert.Single(host.Functions);
        Assert.Equal(new Sbdf(0, 0, 0x1f, 3), f.Address);
        Assert.Equal(0x21, f.CapturedLength);
        Assert.Equal(64, f.Config.Size);
        Assert.Equal(0x9dc8_8086u, f.Config.ReadUInt32(0));
        Assert.Equal(0xFF, f.Config.ReadByte(0x04));
        Assert.Equal(0x11, f.Config.ReadByte(0x20));
        Assert.Contains(host.Warnings, w => w.Contains("33 bytes"));
    }

    [Fact]
    public void Verbose_text_between_hex_lines_is_ignored()
    {
        var host = LspciDumpReader.ReadText("0000:00:00.0 Host bridge: Intel\n\tSubsystem: Red Hat\n\tCapabilities: [40] Power\n" + Header + "\tKernel driver in use: x\n");
        Assert.Equal(0x1237_8086u, Assert.Single(host.Functions).Config.ReadUInt32(0));
    }

    [Fact]
    public void A_blank_line_ends_the_device_so_later_data_lines_are_ignored()
    {
        var host = LspciDumpReader.ReadText("00:00.0 x\n" + Header + "\n10: aa bb\n");
        var f = Assert.Single(host.Functions);
        Assert.Equal(16, f.CapturedLength);
        Assert.Equal(0xFF, f.Config.ReadByte(0x10));
    }

    [Theory]
    [InlineData("0000:03:00.1 x\n", 0u, 3, 0, 1)]
    [InlineData("10000:00:02.0 VMD domain\n", 0x10000u, 0, 2, 0)]
    [InlineData("abcdef:ff:1f.7 six digits\n", 0xabcdefu, 0xff, 0x1f, 7)]
    public void Device_lines_take_domains_of_four_to_six_hex_digits(string line, uint segment, int bus, int device, int function)
    {
        var host = LspciDumpReader.ReadText(line + Header);
        Assert.Equal(new Sbdf(segment, (byte)bus, device, function), Assert.Single(host.Functions).Address);
    }

    [Fact]
    public void Windows_line_ends_are_accepted()
    {
        var host = LspciDumpReader.ReadText("00:00.0 x\r\n" + Header.Replace("\n", "\r\n") + "\r\n");
        Assert.Equal(0x1237_8086u, Assert.Single(host.Functions).Config.ReadUInt32(0));
    }

    [Fact]
    public void Junk_after_the_hex_bytes_is_a_malformed_line_error_naming_the_line()
    {
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("00:00.0 x\n" + Header + "10: 00 11 zz\n", "bad.dump"));
        Assert.Equal(3, e.Line);
        Assert.Contains("bad.dump", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("zz", e.Message);
    }

    [Fact]
    public void Three_digit_byte_is_malformed()
    {
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("00:00.0 x\n00: 861 80\n"));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void A_line_longer_than_pciutils_buffer_is_an_error_naming_the_line()
    {
        string longLine = "\t" + new string('x', 300) + "\n";
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("00:00.0 x\n" + Header + longLine));
        Assert.Equal(3, e.Line);
        Assert.IsAssignableFrom<InputFormatException>(e);
    }

    [Fact]
    public void Offsets_past_4096_are_an_error()
    {
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("00:00.0 x\n" + Header + "ff8: 00 00 00 00 00 00 00 00 00\n"));
        Assert.Equal(3, e.Line);
        Assert.Contains("4096", e.Message);
    }

    [Fact]
    public void A_function_number_above_seven_is_an_error()
    {
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("x\n00:00.8 x\n" + Header));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void The_same_address_twice_is_an_error_naming_the_second_line()
    {
        var e = Assert.Throws<LspciDumpFormatException>(() => LspciDumpReader.ReadText("00:00.0 x\n" + Header + "\n0000:00:00.0 y\n" + Header));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Data_lines_outside_a_device_are_ignored_as_pciutils_does()
    {
        var host = LspciDumpReader.ReadText(Header + "\n00:01.0 x\n" + Header);
        Assert.Equal(new Sbdf(0, 0, 1, 0), Assert.Single(host.Functions).Address);
    }

    [Fact]
    public void Functions_come_back_sorted_by_address()
    {
        var host = LspciDumpReader.ReadText("01:00.0 b\n" + Header + "\n0001:00:00.0 c\n" + Header + "\n00:1f.0 a\n" + Header);
        Assert.Equal(["0000:00:1f.0", "0000:01:00.0", "0001:00:00.0"], host.Functions.Select(f => f.Address.ToString()));
    }

    [Fact]
    public void Random_mutations_of_a_real_dump_give_a_result_or_a_typed_error()
    {
        string text = File.ReadAllText(ReferenceData.PathOf("lspci", "cap-dpc.dump"));
        var mutation = Gen.Select(Gen.Int[0, 4], Gen.Int[0, text.Length - 1], Gen.Char['\0', '\u007f'], Gen.Int[1, 400]);
        mutation.Array[1, 8].Sample(mutations =>
        {
            string s = text;
            foreach (var (kind, at0, c, n) in mutations)
            {
                int at = at0 % Math.Max(1, s.Length);
                s = kind switch
                {
                    0 => s.Remove(at, 1),
                    1 => s.Insert(at, c.ToString()),
                    2 => s.Insert(at, new string(c, n)),
                    3 => s.Insert(at, "\n"),
                    _ => s.Remove(at, Math.Min(n, s.Length - at)),
                };
            }
            try
            {
                var host = LspciDumpReader.ReadText(s);
                foreach (var f in host.Functions)
                    _ = FunctionInspector.Inspect(f.Address, f.Config.Bytes);
            }
            catch (InputFormatException)
            {
            }
        }, iter: 2000);
    }
}
