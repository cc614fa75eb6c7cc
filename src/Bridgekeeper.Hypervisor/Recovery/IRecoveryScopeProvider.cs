using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The reset scope for an error at a function, as Linux picks it in <c>pcie_do_recovery</c>: the
/// function itself when it is a Root or Downstream Port, otherwise its upstream bridge; the scope is
/// that bridge's secondary hierarchy. An adapter over the topology's reset scopes implements it.
/// </summary>
public interface IRecoveryScopeProvider
{
    RecoveryScope ScopeOf(Sbdf function);
}
