using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Resets;

/// <summary>
/// One way to reset a function: the method, the function whose register performs it (<see cref="Via"/>:
/// the function itself for FLR, the upstream bridge for SBR and slot reset) and every function it touches
/// with its owner. Methods through the same bridge share one <see cref="Touched"/> array.
/// </summary>
public sealed record ResetMethod<TOwner>(ResetMethodKind Kind, Sbdf Via, ImmutableArray<ResetTarget<TOwner>> Touched)
{
    /// <summary>The distinct owners of the touched functions, in first-touched order.</summary>
    public IEnumerable<TOwner> Owners => Touched.Select(t => t.Owner).Distinct();

    public override string ToString() => $"{Kind} via {Via}: {Touched.Length} function(s)";
}
