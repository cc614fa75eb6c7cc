using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Option (b): set the shadow AER registers of the guest's virtual root port and its virtual device
/// from the log (physical registers or the CPER copy), and inject the virtual root port's interrupt.
/// The vPCI VirtualRootPort.RaiseError implements it.
/// </summary>
public interface IShadowAerNotifier
{
    void RaiseError(DomainId domain, Sbdf virtualDevice, DeviceErrorLog log);
}
