namespace Bridgekeeper.Pci;

/// <summary>SR-IOV counts and VF routing (PCIe Base 6.0 §9.3.3).</summary>
public sealed record SriovReport(int TotalVFs, int NumVFs, int FirstVfOffset, int VfStride, int VfDeviceId)
{
    public int Offset { get; init; }

    public int InitialVFs { get; init; }

    public bool VfEnable { get; init; }
}
