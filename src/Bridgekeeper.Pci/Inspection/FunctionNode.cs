namespace Bridgekeeper.Pci;

/// <summary>A function and, for a bridge, the bus behind it.</summary>
public sealed record FunctionNode(FunctionReport Function, BusNode? Secondary);
