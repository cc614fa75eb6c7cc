namespace Bridgekeeper.Firmware.Acpi;

/// <summary>
/// What the bytes of a table say about themselves: the header's Length and Checksum fields, whether
/// the checksum makes the table sum to zero (ACPI 6.5 §5.2.6), and how many bytes the input held.
/// </summary>
public readonly record struct AcpiTableFrame(uint Length, byte Checksum, bool ChecksumValid, int InputLength);
