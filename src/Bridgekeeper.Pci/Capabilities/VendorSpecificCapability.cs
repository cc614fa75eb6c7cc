namespace Bridgekeeper.Pci;

/// <summary>
/// Vendor-Specific Capability (ID 0x09, PCI Local Bus 3.0 §6.8; PCIe Base 6.0 §7.9.4 for the extended
/// form): a length byte, then vendor-defined bytes that Bridgekeeper treats as read-only.
/// </summary>
public static class VendorSpecificCapability
{
    public const int LengthOffset = 0x02;

    public static int Length(ReadOnlySpan<byte> config, int offset) => ConfigBytes.U8(config, offset + LengthOffset);

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("Vendor-Specific", "PCI Local Bus 3.0 §6.8",
        new(0x00, 2, "Capability Header"),
        new(LengthOffset, 1, "Capability Length"));
}
