namespace Bridgekeeper.Pci;

/// <summary>PCI Power Management Capability (ID 0x01, PCIe Base 6.0 §7.5.2).</summary>
public static class PowerManagementCapability
{
    public const int Capabilities = 0x02;
    public const int ControlStatus = 0x04;

    /// <summary>PMCSR bit 3: No_Soft_Reset — D3hot→D0 keeps the function's state.</summary>
    public const ushort NoSoftReset = 1 << 3;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("Power Management", "PCIe Base 6.0 §7.5.2",
        new(0x00, 2, "Capability Header"),
        new(Capabilities, 2, "Power Management Capabilities"),                              // §7.5.2.1
        // §7.5.2.2 PMCSR: PowerState RW, PME_En RWS, Data_Select RW, PME_Status RW1CS.
        new(ControlStatus, 2, "Power Management Control/Status", Rw: 0x1F03, Rw1c: 0x8000, Sticky: 0x8100, RsvdP: 0x00F4),
        new(0x06, 1, "PMCSR_BSE"),
        new(0x07, 1, "Data"));
}
