using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// What one recovery resets: the bridge whose Secondary Bus Reset is asserted and every function
/// below it (PCIe Base 6.0 §7.5.1.3.13: SBR resets the whole secondary hierarchy, whoever owns it);
/// or, for a function on a root bus that no bridge can reset (an RCiEP, or an RCEC), that function
/// alone, reset by FLR (§6.6.2; Linux's <c>aer_root_reset</c> does <c>pcie_reset_flr</c> for both).
/// Such a scope names the function as its own "bridge" with itself as the only member.
/// </summary>
public sealed record RecoveryScope(Sbdf Bridge, ImmutableArray<Sbdf> Functions)
{
    /// <summary>The scope of a function reset alone by FLR.</summary>
    public static RecoveryScope FunctionLevel(Sbdf function) => new(function, [function]);

    /// <summary>True when the reset is an FLR of the one function rather than an SBR of a bridge.</summary>
    public bool IsFunctionLevel => Functions.Length == 1 && Functions[0] == Bridge;

    public bool Contains(Sbdf function) => function == Bridge || Functions.Contains(function);

    /// <summary>True when this scope's reset resets every function of <paramref name="other"/> too.</summary>
    public bool Covers(RecoveryScope other)
    {
        if (!Contains(other.Bridge)) return false;
        foreach (var f in other.Functions) if (!Contains(f)) return false;
        return true;
    }
}
