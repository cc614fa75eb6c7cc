using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>A function taken from a real machine's dump: its address, config space as captured, and its PF when it is a VF.</summary>
public sealed record ClonedFunction(Sbdf Address, ConfigSpace Config, Sbdf? PhysicalFunction = null);
