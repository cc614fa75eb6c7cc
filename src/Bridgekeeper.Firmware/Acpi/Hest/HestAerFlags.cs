namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// The Flags byte of IA-32 machine check and PCIe AER error sources (ACPI 6.5 §18.3.2.1, §18.3.2.4).
/// Bit 0 is FIRMWARE_FIRST and bit 1 GLOBAL. ACPICA's disassembler (as of 20260408) prints its "Global"
/// line from bit 0; the spec and Linux's ACPI_HEST_GLOBAL (bit 1) are right, so this type follows them.
/// </summary>
[Flags]
public enum HestAerFlags : byte
{
    None = 0,
    FirmwareFirst = 1 << 0,
    Global = 1 << 1,
    GhesAssist = 1 << 2,
}
