namespace Bridgekeeper.Pci;

/// <summary>
/// What <c>bridgekeeper inspect --json</c> says about one function (issue 2's schema): identity, the
/// capability list, and the decoded PCI Express, bridge, AER, ACS and SR-IOV registers. An absent
/// structure is null. Numbers are raw register values so they can be checked against lspci bit by bit.
/// </summary>
public sealed record FunctionReport(
    string Sbdf,
    int VendorId,
    int DeviceId,
    int ClassCode,
    int HeaderType,
    bool Multifunction,
    IReadOnlyList<CapabilityReport> Capabilities,
    PcieReport? Pcie,
    BridgeReport? Bridge,
    AerReport? Aer,
    AcsReport? Acs,
    SriovReport? Sriov,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The function's physical function (from the sysfs <c>physfn</c> link), when it is a VF.</summary>
    public string? PhysicalFunction { get; init; }

    /// <summary>The driver bound on the host the data came from (sysfs <c>driver</c> link).</summary>
    public string? Driver { get; init; }
}

/// <summary>One capability: ID (standard 8-bit or extended 16-bit), offset, and which list it is in.</summary>
public sealed record CapabilityReport(int Id, int Offset, bool Extended)
{
    /// <summary>Extended capability version (0 for standard capabilities).</summary>
    public int Version { get; init; }

    /// <summary>Human name of the ID (display only).</summary>
    public string Name { get; init; } = "";
}

/// <summary>
/// PCI Express capability: Device/Port Type (PCIe Base 6.0 §7.5.3.2) by name, and the Current Link
/// Speed code and Negotiated Link Width from Link Status (§7.5.3.8); null link fields for functions
/// without a link (RCiEP, RCEC).
/// </summary>
public sealed record PcieReport(string PortType, int? LinkSpeed, int? LinkWidth)
{
    public int Version { get; init; }

    /// <summary>The link speed as lspci prints it ("2.5GT/s"), for display.</summary>
    public string? LinkSpeedText { get; init; }

    public int? MaxLinkSpeed { get; init; }

    public int? MaxLinkWidth { get; init; }

    public bool SlotImplemented { get; init; }
}

/// <summary>Type 1 (or CardBus) header bus numbers and Bridge Control (PCIe Base 6.0 §7.5.1.3).</summary>
public sealed record BridgeReport(int PrimaryBus, int SecondaryBus, int SubordinateBus, int BridgeControl)
{
    /// <summary>Bridge Control bit 6: Secondary Bus Reset asserted.</summary>
    public bool SecondaryBusReset => (BridgeControl & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
}

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

/// <summary>ACS Capability and ACS Control registers (PCIe Base 6.0 §7.7.11).</summary>
public sealed record AcsReport(int Capability, int Control)
{
    public int Offset { get; init; }
}

/// <summary>SR-IOV counts and VF routing (PCIe Base 6.0 §9.3.3).</summary>
public sealed record SriovReport(int TotalVFs, int NumVFs, int FirstVfOffset, int VfStride, int VfDeviceId)
{
    public int Offset { get; init; }

    public int InitialVFs { get; init; }

    public bool VfEnable { get; init; }
}
