namespace Bridgekeeper.Pci;

/// <summary>Alternative Routing-ID Interpretation Extended Capability (ID 0x000E, PCIe Base 6.0 §7.8.7).</summary>
public static class AriCapability
{
    public const int CapabilityRegister = 0x04;
    public const int ControlRegister = 0x06;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("ARI", "PCIe Base 6.0 §7.8.7",
        new(0x00, 4, "ARI Extended Capability Header"),
        new(CapabilityRegister, 2, "ARI Capability"),
        // MFVC and ACS Function Groups Enable (bits 0, 1) and Function Group (6:4) are RW.
        new(ControlRegister, 2, "ARI Control", Rw: 0x0073, RsvdP: 0xFF8C));

    /// <summary>Next Function Number (ARI Capability bits 15:8): the next function of the device, 0 at the end.</summary>
    public static int NextFunction(ReadOnlySpan<byte> config, int offset) => ConfigBytes.U16(config, offset + CapabilityRegister) >> 8;
}
