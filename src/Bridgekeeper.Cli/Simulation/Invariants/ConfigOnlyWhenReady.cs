using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// No config request reaches a function before it is Configuration-Ready, except the Vendor ID read that
/// polls for readiness: after a reset, software may only poll Vendor ID and must see Request Retry
/// Status until the function is ready (PCIe Base 6.0 §2.3.2, §6.6.1). Anything else (a restore write,
/// a guest's read) is sent too early.
/// </summary>
public sealed class ConfigOnlyWhenReady : IInvariant
{
    public string Name => "config-only-when-ready";

    public void Check(IReadOnlyList<Bridgekeeper.Hardware.TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks)
    {
        foreach (var c in observed.ConfigRequests)
        {
            if (c.DeviceReady) continue;
            bool readinessPoll = !c.Write && c.Offset == ConfigHeader.VendorId;
            if (!readinessPoll)
            {
                breaks.Add(new InvariantBreak(Name, c.Time, c.Device,
                    $"config {(c.Write ? "write" : "read")} of {c.Size} bytes at 0x{c.Offset:x3} before the function was ready"));
            }
        }
    }
}
