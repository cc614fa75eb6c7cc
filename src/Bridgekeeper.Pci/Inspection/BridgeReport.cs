namespace Bridgekeeper.Pci;

/// <summary>Type 1 (or CardBus) header bus numbers and Bridge Control (PCIe Base 6.0 §7.5.1.3).</summary>
public sealed record BridgeReport(int PrimaryBus, int SecondaryBus, int SubordinateBus, int BridgeControl)
{
    /// <summary>Bridge Control bit 6: Secondary Bus Reset asserted.</summary>
    public bool SecondaryBusReset => (BridgeControl & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
}
