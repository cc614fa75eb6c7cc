using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// What one recovery resets: the bridge whose Secondary Bus Reset is asserted and every function
/// below it (PCIe Base 6.0 §7.5.1.3.13: SBR resets the whole secondary hierarchy, whoever owns it).
/// </summary>
public sealed record RecoveryScope(Sbdf Bridge, ImmutableArray<Sbdf> Functions)
{
    public bool Contains(Sbdf function) => function == Bridge || Functions.Contains(function);
}
