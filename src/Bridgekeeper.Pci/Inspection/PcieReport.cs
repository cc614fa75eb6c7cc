namespace Bridgekeeper.Pci;

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
