namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// What a function is in the hierarchy, from its header type, class code and the Device/Port Type of
/// its PCI Express capability (PCIe Base 6.0 §7.5.3.2). Functions without a PCI Express capability are
/// conventional PCI (or PCI-X).
/// </summary>
public enum FunctionKind
{
    Endpoint,
    LegacyEndpoint,
    RootComplexIntegratedEndpoint,
    RootComplexEventCollector,
    RootPort,
    SwitchUpstreamPort,
    SwitchDownstreamPort,
    /// <summary>PCIe to PCI/PCI-X bridge (port type 0x7).</summary>
    PcieToPciBridge,
    /// <summary>PCI/PCI-X to PCIe bridge (port type 0x8).</summary>
    PciToPcieBridge,
    /// <summary>A conventional PCI-to-PCI bridge (Type 1 header, no PCI Express capability).</summary>
    PciBridge,
    CardBusBridge,
    /// <summary>A conventional function with a Type 0 header.</summary>
    ConventionalFunction,
    /// <summary>An SR-IOV virtual function (PCIe Base 6.0 §9.1).</summary>
    VirtualFunction,
}
