namespace Bridgekeeper.Pci;

/// <summary>Device Serial Number Extended Capability (ID 0x0003, PCIe Base 6.0 §7.9.3): a read-only EUI-64.</summary>
public static class DsnCapability
{
    public const int SerialLow = 0x04;
    public const int SerialHigh = 0x08;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("DSN", "PCIe Base 6.0 §7.9.3",
        new(0x00, 4, "DSN Extended Capability Header"),
        new(SerialLow, 4, "Serial Number Register (Lower DW)"),
        new(SerialHigh, 4, "Serial Number Register (Upper DW)"));

    public static ulong SerialNumber(ReadOnlySpan<byte> config, int offset) =>
        ConfigBytes.U32(config, offset + SerialLow) | (ulong)ConfigBytes.U32(config, offset + SerialHigh) << 32;
}
