using Bridgekeeper.Pci;

namespace Bridgekeeper.Pci.Tests.Config;

/// <summary>
/// An adopted space shares its reset defaults with its bytes until it first changes; every change must
/// still leave the defaults as adopted, so resets behave exactly as for <see cref="ConfigSpace.Create"/>.
/// </summary>
public class AdoptedConfigSpaceTests
{
    private static readonly RegisterLayout Scratch = ScratchRegisterLayout.Mixed;

    private static ConfigAttributes Attributes()
    {
        var attrs = new ConfigAttributes(ConfigSpace.ExtendedSize);
        attrs.Apply(Scratch, 0);
        return attrs.Freeze();
    }

    private static byte[] Initial(uint at40)
    {
        var bytes = new byte[ConfigSpace.ExtendedSize];
        BitConverter.TryWriteBytes(bytes.AsSpan(0x40), at40);
        return bytes;
    }

    [Fact]
    public void A_store_to_an_adopted_space_leaves_its_defaults_as_adopted()
    {
        var cs = ConfigSpace.Adopt(Initial(0x1234_5678), Attributes());
        cs.Store(0x40, 4, 0xDEAD_BEEF);
        Assert.Equal(0xDEAD_BEEFu, cs.ReadUInt32(0x40));
        Assert.Equal(0x1234_5678u, BitConverter.ToUInt32(cs.Defaults.Slice(0x40, 4)));
        cs.Reset(ResetKind.Fundamental);
        Assert.Equal(0x1234_5678u, cs.ReadUInt32(0x40));
    }

    [Theory]
    [InlineData(0x40, 1, 0x5Au)]
    [InlineData(0x40, 4, 0x0000_F0A5u)]
    [InlineData(0x42, 2, 0xFFFFu)]
    public void Writes_and_resets_of_an_adopted_space_match_a_created_one(int offset, int size, uint value)
    {
        foreach (var kind in new[] { ResetKind.Conventional, ResetKind.Fundamental })
        {
            var adopted = ConfigSpace.Adopt(Initial(0xAB00_F0_00), Attributes());
            var created = ConfigSpace.Create(Initial(0xAB00_F0_00), Attributes());
            adopted.Write(offset, size, value);
            created.Write(offset, size, value);
            Assert.Equal(created.Bytes.ToArray(), adopted.Bytes.ToArray());
            adopted.Reset(kind);
            created.Reset(kind);
            Assert.Equal(created.Bytes.ToArray(), adopted.Bytes.ToArray());
            Assert.Equal(created.Defaults.ToArray(), adopted.Defaults.ToArray());
        }
    }

    [Fact]
    public void An_unchanged_adopted_space_resets_to_itself()
    {
        var cs = ConfigSpace.Adopt(Initial(0xAB12_3456), Attributes());
        cs.Reset(ResetKind.Conventional);
        Assert.Equal(0xAB12_3456u, cs.ReadUInt32(0x40));
        var copy = cs.Clone();
        copy.Store(0x40, 4, 0);
        Assert.Equal(0xAB12_3456u, cs.ReadUInt32(0x40));
    }
}
