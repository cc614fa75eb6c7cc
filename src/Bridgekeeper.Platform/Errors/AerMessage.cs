using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// An error message travelling upstream (PCIe Base 6.0 §6.2.3.2.2): ERR_COR, ERR_NONFATAL or
/// ERR_FATAL, with the Requester ID of the function that sent it.
/// </summary>
public readonly record struct AerMessage(ErrorSeverity Severity, ushort SourceId)
{
    public bool IsUncorrectable => Severity != ErrorSeverity.Correctable;

    /// <summary>The matching Root Error Command / Device Control enable bit (COR = 1, NONFATAL = 2, FATAL = 4).</summary>
    public uint EnableBit => Severity switch
    {
        ErrorSeverity.Correctable => AerCapability.CorrectableReportingEnable,
        ErrorSeverity.NonFatal => AerCapability.NonFatalReportingEnable,
        _ => AerCapability.FatalReportingEnable,
    };
}
