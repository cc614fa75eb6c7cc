using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>What a hardware-domain report was about.</summary>
public enum PhysdevReportKind { HostBridge, DeviceAdd, DeviceRemove, DeviceReset }

/// <summary>One report as received (in arrival order) and the answer it got.</summary>
public sealed record PhysdevReport(
    long Sequence,
    SimTime Time,
    PhysdevReportKind Kind,
    Sbdf? Device,
    PhysdevDeviceFlags Flags,
    Sbdf? PhysicalFunction,
    HostBridge? HostBridge,
    PhysdevResult Result)
{
    public override string ToString() => Kind switch
    {
        PhysdevReportKind.HostBridge => $"#{Sequence} host bridge {HostBridge}: {Result}",
        _ => $"#{Sequence} {Kind} {Device}{(PhysicalFunction is { } pf ? $" (PF {pf})" : "")}: {Result}",
    };
}
