using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// One CPER PCIe Error Section found in a status block (UEFI 2.10 §N.2.7) with the fields error
/// handling uses: the data entry's severity and flags (ACPI 6.5 Table 18.13), the validation bits, the
/// device, and the 96-byte raw AER info.
/// </summary>
public sealed record GhesPcieEntry(
    uint EntrySeverity,
    byte EntryFlags,
    ulong ValidationBits,
    Sbdf Device,
    ReadOnlyMemory<byte> AerInfo)
{
    public const ulong DeviceIdValid = 0x08;
    public const ulong AerInfoValid = 0x80;

    /// <summary>Data-entry flag bit 2: firmware reset the component (CPER_SEC_RESET).</summary>
    public const byte ResetFlag = 0x04;

    /// <summary>Linux's <c>ghes_handle_aer</c> uses a section only with both the device ID and the AER info valid.</summary>
    public bool IsUsable => (ValidationBits & (DeviceIdValid | AerInfoValid)) == (DeviceIdValid | AerInfoValid);

    /// <summary>
    /// <c>cper_severity_to_aer</c>: recoverable (0) is non-fatal, fatal (1) fatal, anything else
    /// correctable; a RESET flag makes it fatal (the component was reset under the OS).
    /// </summary>
    public ErrorSeverity Severity => (EntryFlags & ResetFlag) != 0 ? ErrorSeverity.Fatal : EntrySeverity switch
    {
        0 => ErrorSeverity.NonFatal,
        1 => ErrorSeverity.Fatal,
        _ => ErrorSeverity.Correctable,
    };
}
