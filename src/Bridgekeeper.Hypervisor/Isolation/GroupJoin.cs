using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// One reason two functions share a group: <see cref="Member"/> joined because of <see cref="Via"/>
/// (the bridge, sibling or alias responsible); <see cref="Culprit"/> names the port that broke isolation
/// when that is not <see cref="Via"/> itself.
/// </summary>
public readonly record struct GroupJoin(GroupJoinKind Kind, Sbdf Member, Sbdf Via, Sbdf? Culprit = null);
