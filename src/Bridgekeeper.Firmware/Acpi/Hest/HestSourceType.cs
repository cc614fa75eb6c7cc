namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>HEST error source structure types (ACPI 6.5 §18.3.2, Table 18.3); 3-5 are unused, 12+ reserved.</summary>
public enum HestSourceType : ushort
{
    Ia32MachineCheck = 0,
    Ia32CorrectedMachineCheck = 1,
    Ia32Nmi = 2,
    PcieRootPortAer = 6,
    PcieEndpointAer = 7,
    PcieBridgeAer = 8,
    GenericHardwareErrorSource = 9,
    GenericHardwareErrorSourceV2 = 10,
    Ia32DeferredMachineCheck = 11,
}
