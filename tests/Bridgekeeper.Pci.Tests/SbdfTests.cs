using Bridgekeeper.Pci;

namespace Bridgekeeper.Pci.Tests;

public class SbdfTests
{
    [Theory]
    [InlineData("0000:03:00.1", 0u, 0x03, 0, 1)]
    [InlineData("03:00.1", 0u, 0x03, 0, 1)]
    [InlineData("10000:e1:1f.7", 0x10000u, 0xE1, 31, 7)]
    [InlineData("0001:00:1c.0", 1u, 0, 0x1c, 0)]
    public void Parses_linux_forms(string text, uint seg, int bus, int dev, int fn)
    {
        var s = Sbdf.Parse(text);
        Assert.Equal(seg, s.Segment);
        Assert.Equal(bus, s.Bus);
        Assert.Equal(dev, s.Device);
        Assert.Equal(fn, s.Function);
    }

    [Theory]
    [InlineData("")]
    [InlineData("03:00")]
    [InlineData("03:20.0")]
    [InlineData("03:00.8")]
    [InlineData("100:00.0")]
    [InlineData("zz:00.0")]
    [InlineData("123456789:00:00.0")]
    public void Rejects_invalid_text_with_a_reason(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Sbdf.Parse(text));
        Assert.Contains(text.Length == 0 ? "''" : text, ex.Message);
    }

    [Fact]
    public void Formats_long_and_short_forms()
    {
        var s = new Sbdf(0, 0x3, 0x1c, 2);
        Assert.Equal("0000:03:1c.2", s.ToString());
        Assert.Equal("03:1c.2", s.ToShortString());
        Assert.Equal("0001:03:1c.2", (s with { Segment = 1 }).ToShortString());
    }

    [Fact]
    public void Requester_id_round_trips_and_puts_bus_high()
    {
        var s = new Sbdf(2, 0x81, 0x1f, 7);
        Assert.Equal(0x81FF, s.RequesterId.Value);
        Assert.Equal(s, Sbdf.FromRequesterId(2, s.RequesterId));
    }

    [Fact]
    public void Ari_function_number_is_the_whole_devfn()
    {
        var s = new Sbdf(0, 5, (byte)200);
        Assert.Equal(200, s.AriFunction);
        Assert.Equal(25, s.Device);
        Assert.Equal(0, s.Function);
    }

    [Fact]
    public void Orders_by_segment_then_bus_then_devfn()
    {
        var list = new[] { Sbdf.Parse("0001:00:00.0"), Sbdf.Parse("0000:02:00.0"), Sbdf.Parse("0000:01:1f.7"), Sbdf.Parse("0000:01:00.1") };
        Assert.Equal(["0000:01:00.1", "0000:01:1f.7", "0000:02:00.0", "0001:00:00.0"], list.Order().Select(s => s.ToString()));
    }
}
