namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>Why a function was put in the same group as another.</summary>
public enum GroupJoinKind
{
    /// <summary>DMA from below a PCIe-to-PCI or conventional bridge carries the bridge's requester ID (PCIe-to-PCI Bridge r1.0 §2.3).</summary>
    BridgeAlias,
    /// <summary>The path from the function to the root is not ACS-isolated at this bridge (Linux step 2).</summary>
    PathNotIsolated,
    /// <summary>A device-specific DMA alias (quirk) or phantom function makes the two indistinguishable to the IOMMU.</summary>
    DmaAlias,
    /// <summary>Functions of one multifunction device without ACS can reach each other inside the device.</summary>
    MultiFunctionWithoutAcs,
    /// <summary>Strict: below a root or downstream port that does not enforce ACS, or whose sibling functions can route into it.</summary>
    BelowNonIsolatingPort,
    /// <summary>Strict: on or below a switch whose internal bus is not isolated (some downstream port lacks SV, RR, CR or UF).</summary>
    SwitchBusNotIsolated,
    /// <summary>Strict: behind a PCIe-to-PCI, PCI-to-PCIe or conventional bridge, where requester IDs are not trustworthy.</summary>
    BehindConventionalBridge,
    /// <summary>Strict: a VF whose PF does not enforce ACS redirect, so VFs and PF may reach each other inside the device.</summary>
    VirtualFunctionWithoutPfAcs,
}
