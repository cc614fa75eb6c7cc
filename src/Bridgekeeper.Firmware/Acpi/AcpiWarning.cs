namespace Bridgekeeper.Firmware.Acpi;

/// <summary>A tolerated defect found while reading a table, at a byte offset from the table start.</summary>
public readonly record struct AcpiWarning(AcpiWarningKind Kind, long Offset, string Message)
{
    public override string ToString() => $"offset 0x{Offset:X}: {Message}";
}
