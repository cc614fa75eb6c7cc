using Bridgekeeper.Firmware.Cper;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// The two severity mappings Linux applies to firmware-first errors (apei-hest-ghes-cper.md §3, §8):
/// <c>ghes_severity()</c> for the block and <c>cper_severity_to_aer()</c> plus the RESET escalation for
/// PCIe sections handed to AER recovery.
/// </summary>
public static class GhesSeverityMapping
{
    /// <summary><c>ghes_severity()</c>: Fatal and any unknown value panic.</summary>
    public static GhesSeverity FromCper(uint cperSeverity) => cperSeverity switch
    {
        (uint)CperSeverity.Recoverable => GhesSeverity.Recoverable,
        (uint)CperSeverity.Corrected => GhesSeverity.Corrected,
        (uint)CperSeverity.Informational => GhesSeverity.NoError,
        _ => GhesSeverity.Panic,
    };

    /// <summary>
    /// <c>ghes_handle_aer()</c>: Recoverable -> NonFatal, Fatal -> Fatal, anything else -> Correctable;
    /// and with the data entry's RESET flag (UEFI App. N Table N-5 bit 2) always Fatal, because the
    /// firmware has already reset the component.
    /// </summary>
    public static AerSeverity ToAer(uint cperSeverity, uint entryFlags)
    {
        if ((entryFlags & CperSectionDescriptor.Reset) != 0) return AerSeverity.Fatal;
        return cperSeverity switch
        {
            (uint)CperSeverity.Recoverable => AerSeverity.NonFatal,
            (uint)CperSeverity.Fatal => AerSeverity.Fatal,
            _ => AerSeverity.Correctable,
        };
    }
}
