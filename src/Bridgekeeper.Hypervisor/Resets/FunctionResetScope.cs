using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Resets;

/// <summary>
/// Every way to reset one function, narrowest first. This is not an isolation group: an FLR touches less
/// than a group, a secondary bus reset may touch several groups (VFIO keeps the two apart the same way,
/// drivers/vfio/pci/vfio_pci_core.c device sets).
/// </summary>
public sealed record FunctionResetScope<TOwner>(Sbdf Function, ImmutableArray<ResetMethod<TOwner>> Methods)
{
    public ResetMethod<TOwner>? Narrowest => Methods.IsEmpty ? null : Methods[0];

    public ResetMethod<TOwner>? Find(ResetMethodKind kind) => Methods.FirstOrDefault(m => m.Kind == kind);
}
