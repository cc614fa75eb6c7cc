using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The core's interrupt restore (<see cref="Hypervisor.RestoreInterruptState"/>: physical MSI/MSI-X,
/// the MSI-X table and ITS mappings from the owning guest's view) as recovery's restore step calls it.
/// Functions no guest owns keep what the saved MSI registers and MSI-X control word give back.
/// </summary>
public sealed class HypervisorInterruptState(Hypervisor hypervisor) : IInterruptStateRestorer
{
    public void RestoreInterruptState(Sbdf function) => hypervisor.RestoreInterruptState(function);
}
