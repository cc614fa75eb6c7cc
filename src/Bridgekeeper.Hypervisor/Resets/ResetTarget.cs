using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Resets;

/// <summary>A function a reset touches and who owns it.</summary>
public readonly record struct ResetTarget<TOwner>(Sbdf Function, TOwner Owner);
