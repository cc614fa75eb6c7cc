namespace Bridgekeeper.Firmware.Acpi;

/// <summary>Address Space ID of a Generic Address Structure (ACPI 6.5 §5.2.3.2 Table 5.1).</summary>
public enum AddressSpace : byte
{
    SystemMemory = 0x00,
    SystemIo = 0x01,
    PciConfig = 0x02,
    EmbeddedController = 0x03,
    SmBus = 0x04,
    SystemCmos = 0x05,
    PciBarTarget = 0x06,
    Ipmi = 0x07,
    GeneralPurposeIo = 0x08,
    GenericSerialBus = 0x09,
    PlatformCommunicationsChannel = 0x0A,
    PlatformRuntimeMechanism = 0x0B,
    FunctionalFixedHardware = 0x7F,
}
