using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// An error the hypervisor accepted, after it was stored in the RAS log (<see cref="RasId"/>): what
/// handling and recovery act on, whichever path it came by.
/// </summary>
public sealed record ErrorReport(
    SimTime Time,
    ErrorOrigin Origin,
    DeviceErrorLog Log,
    long RasId,
    ushort? GhesSourceId = null)
{
    public Sbdf Device => Log.Device;

    public ErrorSeverity Severity => Log.Severity;
}
