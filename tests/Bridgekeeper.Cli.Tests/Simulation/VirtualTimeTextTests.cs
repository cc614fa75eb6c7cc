using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Hardware;
using CsCheck;

namespace Bridgekeeper.Cli.Tests.Simulation;

public class VirtualTimeTextTests
{
    [Theory]
    [InlineData("100ns", 100)]
    [InlineData("250us", 250_000)]
    [InlineData("1.5ms", 1_500_000)]
    [InlineData("2s", 2_000_000_000)]
    [InlineData("0ms", 0)]
    public void Units_scale_to_nanoseconds(string text, long ns)
    {
        Assert.True(VirtualTimeText.TryParse(text, out var t));
        Assert.Equal(ns, t.Nanoseconds);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("ms")]
    [InlineData("-1ms")]
    [InlineData("1.5ns")]
    [InlineData("3h")]
    public void Times_without_a_unit_or_below_a_nanosecond_are_refused(string text)
    {
        Assert.False(VirtualTimeText.TryParse(text, out _));
    }

    [Fact]
    public void Formatting_then_parsing_gives_back_the_time()
    {
        Gen.Long[0, long.MaxValue / 4].Sample(ns =>
        {
            Assert.True(VirtualTimeText.TryParse(VirtualTimeText.Format(new SimTime(ns)), out var t));
            Assert.Equal(ns, t.Nanoseconds);
        });
    }
}
