using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// One function's AER log as read (natively, from its AER capability) or as firmware copied it into a
/// CPER PCIe section: the status, mask and severity registers, the First Error Pointer and the four
/// Header Log DWs (PCIe Base 6.0 §7.8.4). <see cref="RegistersRead"/> is false for an ERR_FATAL from an
/// endpoint or upstream port, whose link may be dead (Linux's <c>aer_get_device_error_info</c> reads
/// nothing then, yet still handles the device).
/// </summary>
public sealed record DeviceErrorLog(
    Sbdf Device,
    ErrorSeverity Severity,
    bool RegistersRead,
    uint UncorStatus,
    uint UncorMask,
    uint UncorSeverity,
    uint CorStatus,
    uint CorMask,
    int FirstErrorPointer,
    ImmutableArray<uint> HeaderLog)
{
    public static DeviceErrorLog Unread(Sbdf device, ErrorSeverity severity) =>
        new(device, severity, false, 0, 0, 0, 0, 0, 0, [0u, 0u, 0u, 0u]);

    /// <summary>The unmasked status bits of this log's class.</summary>
    public uint UnmaskedStatus => Severity == ErrorSeverity.Correctable ? CorStatus & ~CorMask : UncorStatus & ~UncorMask;

    /// <summary>Surprise Down (uncorrectable bit 5) means the link below the port is gone.</summary>
    public bool IsSurpriseDown => (UncorStatus & ~UncorMask & AerCapability.SurpriseDownError) != 0;
}
