using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>Option (b): recovery's "raise this error in the guest" lands on the vPCI virtual root port above the guest's device.</summary>
public sealed class ShadowAerView(Hypervisor.Hypervisor hypervisor) : IShadowAerNotifier
{
    public void RaiseError(DomainId domain, Sbdf virtualDevice, DeviceErrorLog log)
    {
        if (hypervisor.PhysicalOf(domain, virtualDevice) is not { } physical) return;
        var port = hypervisor.RootPortOf(physical);
        if (port is null) return;
        var h = log.HeaderLog;
        var snapshot = new AerErrorSnapshot(log.UncorStatus & ~log.UncorMask, log.UncorSeverity, log.CorStatus & ~log.CorMask, log.FirstErrorPointer,
            h.Length > 0 ? h[0] : 0, h.Length > 1 ? h[1] : 0, h.Length > 2 ? h[2] : 0, h.Length > 3 ? h[3] : 0);
        port.RaiseError(log.Severity, snapshot);
    }
}
