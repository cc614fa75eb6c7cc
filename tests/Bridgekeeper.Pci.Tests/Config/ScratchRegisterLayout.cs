using Bridgekeeper.Pci;

namespace Bridgekeeper.Pci.Tests.Config;

/// <summary>One dword at 0x40 with every attribute kind in its own byte lanes, for tests of how spaces share and copy their defaults.</summary>
internal static class ScratchRegisterLayout
{
    public static readonly RegisterLayout Mixed = RegisterLayout.Of("test", "none",
        new RegisterDef(0x40, 4, "Mixed", Rw: 0x0000_00FF, Rw1c: 0x0000_FF00, Sticky: 0x00FF_FF00, RsvdP: 0xFF00_0000));
}
