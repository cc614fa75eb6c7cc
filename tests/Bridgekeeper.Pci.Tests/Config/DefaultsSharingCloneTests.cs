using Bridgekeeper.Pci;

namespace Bridgekeeper.Pci.Tests.Config;

/// <summary>
/// <see cref="ConfigSpace.CloneSharingDefaults"/> reads its source's reset defaults until it changes one;
/// it must behave exactly as <see cref="ConfigSpace.Clone"/>, and neither space may see the other's changes.
/// </summary>
public class DefaultsSharingCloneTests
{
    private static readonly RegisterLayout Scratch = ScratchRegisterLayout.Mixed;

    private static ConfigSpace Source()
    {
        var attrs = new ConfigAttributes(ConfigSpace.ExtendedSize);
        attrs.Apply(Scratch, 0);
        var bytes = new byte[ConfigSpace.ExtendedSize];
        BitConverter.TryWriteBytes(bytes.AsSpan(0x40), 0xAB00_F0_00u);
        var source = ConfigSpace.Create(bytes, attrs.Freeze());
        source.Write(0x40, 1, 0x5A); // current bytes differ from the defaults
        return source;
    }

    [Theory]
    [InlineData(ResetKind.Conventional)]
    [InlineData(ResetKind.Fundamental)]
    public void Writes_stores_and_resets_of_a_defaults_sharing_copy_match_a_full_copy(ResetKind kind)
    {
        var source = Source();
        var shared = source.CloneSharingDefaults();
        var full = source.Clone();
        foreach (var space in new[] { shared, full })
        {
            space.Write(0x40, 4, 0x0000_F0A5);
            space.Store(0x44, 4, 0x1234_5678);
            space.StoreDefault(0x48, 4, 0xCAFE_F00D);
            space.Reset(kind);
        }
        Assert.Equal(full.Bytes.ToArray(), shared.Bytes.ToArray());
        Assert.Equal(full.Defaults.ToArray(), shared.Defaults.ToArray());
    }

    [Fact]
    public void A_default_changed_in_a_defaults_sharing_copy_stays_out_of_its_source_and_siblings()
    {
        var source = Source();
        var a = source.CloneSharingDefaults();
        var b = source.CloneSharingDefaults();
        a.StoreDefault(0x48, 4, 0xCAFE_F00D);
        Assert.Equal(0xCAFE_F00Du, BitConverter.ToUInt32(a.Defaults.Slice(0x48, 4)));
        Assert.Equal(0u, BitConverter.ToUInt32(source.Defaults.Slice(0x48, 4)));
        Assert.Equal(0u, BitConverter.ToUInt32(b.Defaults.Slice(0x48, 4)));
        b.Reset(ResetKind.Fundamental);
        Assert.Equal(0xAB00_F000u, b.ReadUInt32(0x40));
        Assert.Equal(0xAB00_F05Au, source.ReadUInt32(0x40));
    }
}
