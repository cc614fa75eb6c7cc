namespace Bridgekeeper.Firmware.Acpi;

/// <summary>Access Size of a Generic Address Structure (ACPI 6.5 §5.2.3.2 Table 5.1).</summary>
public enum AccessSize : byte
{
    Undefined = 0,
    Byte = 1,
    Word = 2,
    DWord = 3,
    QWord = 4,
}
