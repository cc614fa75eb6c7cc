using Bridgekeeper.Firmware.Cper;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// What Linux's <c>ghes_handle_aer()</c> takes from one GHES data entry holding a CPER PCIe section and
/// queues for AER recovery: the function's address, the AER severity (RESET escalates to Fatal) and
/// the firmware's copy of the AER registers, parsed by raw offsets.
/// </summary>
public readonly record struct FirmwareAerReport(ushort Segment, byte Bus, byte Device, byte Function, AerSeverity Severity, AerRegisterBlock Aer)
{
    /// <summary>
    /// The report for a PCIe entry with both Device ID (bit 3) and AER Info (bit 7) valid, or null for
    /// any other entry (Linux ignores those). A PCIe payload too short for the section throws.
    /// </summary>
    public static FirmwareAerReport? From(GenericErrorDataEntry entry, string source)
    {
        if (entry.SectionType != PcieErrorSection.TypeGuid) return null;
        var pcie = PcieErrorSection.Read(entry.Payload.Span, source);
        if (!pcie.Has(PcieErrorSection.DeviceIdValid | PcieErrorSection.AerInfoValid)) return null;
        return new FirmwareAerReport(pcie.Segment, pcie.PrimaryOrDeviceBus, pcie.Device, pcie.Function,
            GhesSeverityMapping.ToAer(entry.ErrorSeverity, entry.Flags), pcie.Aer);
    }
}
