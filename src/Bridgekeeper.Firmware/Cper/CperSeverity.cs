namespace Bridgekeeper.Firmware.Cper;

/// <summary>Error severity of a CPER record, section or GHES data entry (UEFI 2.10 App. N.2.1, ACPI 6.5 §18.3.2.7.1).</summary>
public enum CperSeverity : uint
{
    Recoverable = 0,
    Fatal = 1,
    Corrected = 2,
    Informational = 3,
}
