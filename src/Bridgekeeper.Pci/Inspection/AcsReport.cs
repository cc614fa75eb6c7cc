namespace Bridgekeeper.Pci;

/// <summary>ACS Capability and ACS Control registers (PCIe Base 6.0 §7.7.11).</summary>
public sealed record AcsReport(int Capability, int Control)
{
    public int Offset { get; init; }
}
