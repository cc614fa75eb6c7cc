namespace Bridgekeeper.Pci;

/// <summary>Reset classes of PCIe Base 6.0 §6.6: what a reset keeps.</summary>
public enum ResetKind
{
    /// <summary>Hot reset, secondary bus reset, FLR, D3hot-&gt;D0: defaults except sticky bits.</summary>
    Conventional,
    /// <summary>Cold or warm reset with main power removed: everything returns to defaults.</summary>
    Fundamental,
}
