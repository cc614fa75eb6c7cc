namespace Bridgekeeper.Hardware;

/// <summary>One DMA that the IOMMU refused: when, which StreamID, where it tried to go, and why.</summary>
public readonly record struct IommuFault(SimTime Time, uint StreamId, ulong Address, bool Write, IommuContextKind Context);
