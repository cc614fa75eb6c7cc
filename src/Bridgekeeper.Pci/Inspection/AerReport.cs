namespace Bridgekeeper.Pci;

/// <summary>AER status, mask and severity registers and Advanced Error Capabilities and Control (PCIe Base 6.0 §7.8.4).</summary>
public sealed record AerReport(
    uint UncorrectableStatus,
    uint UncorrectableMask,
    uint UncorrectableSeverity,
    uint CorrectableStatus,
    uint CorrectableMask,
    uint CapabilitiesControl)
{
    public int Offset { get; init; }

    /// <summary>Root Error Status, for root ports and RCECs (null otherwise).</summary>
    public uint? RootErrorStatus { get; init; }

    /// <summary>Error Source Identification, for root ports and RCECs (null otherwise).</summary>
    public uint? ErrorSourceId { get; init; }
}
