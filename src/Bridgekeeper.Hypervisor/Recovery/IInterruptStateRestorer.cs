using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Whoever programs a function's physical MSI/MSI-X (the core: vPCI/assignment, which also owns the
/// MSI-X table) puts it back after a reset. Recovery calls it at the MSI/MSI-X step of the restore
/// (Linux <c>pci_restore_msi_state</c>: after the header, before SR-IOV), once per restored function.
/// </summary>
public interface IInterruptStateRestorer
{
    void RestoreInterruptState(Sbdf function);
}
