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
