using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>A CPER AER Info block too short or otherwise unusable to fill a guest's shadow AER registers.</summary>
public sealed class AerInfoFormatException(string source, long offset, string field, string expected, string actual)
    : InputFormatException(source, offset, field, $"expected {expected}, found {actual}", $"offset {offset}");
