namespace Bridgekeeper.Pci;

/// <summary>Downstream Port Containment Extended Capability (ID 0x001D, PCIe Base 6.0 §7.9.14).</summary>
public static class DpcCapability
{
    public const int CapabilityRegister = 0x04;
    public const int ControlRegister = 0x06;
    public const int StatusRegister = 0x08;
    public const int ErrorSourceId = 0x0A;

    public const ushort TriggerStatus = 1 << 0;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("DPC", "PCIe Base 6.0 §7.9.14",
        new(0x00, 4, "DPC Extended Capability Header"),
        new(CapabilityRegister, 2, "DPC Capability"),
        // Trigger Enable, Completion Control, Interrupt Enable, ERR_COR Enable, Poisoned TLP Egress
        // Blocking Enable, Software Trigger, DL_Active ERR_COR Enable, SIG_SFW Enable.
        new(ControlRegister, 2, "DPC Control", Rw: 0x01FF, RsvdP: 0xFE00),
        // Trigger Status and Interrupt Status are RW1CS; the reason fields and RP PIO FEP are RO(S).
        new(StatusRegister, 2, "DPC Status", Rw1c: 0x2009, Sticky: 0x3F09, RsvdZ: 0xC080),
        new(ErrorSourceId, 2, "DPC Error Source ID"));
}
