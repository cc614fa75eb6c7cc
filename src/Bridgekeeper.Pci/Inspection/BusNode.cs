namespace Bridgekeeper.Pci;

/// <summary>One bus of a segment and the functions on it.</summary>
public sealed record BusNode(uint Segment, int Bus, IReadOnlyList<FunctionNode> Functions);
