namespace Bridgekeeper.Pci;

/// <summary>Register bit attributes of PCIe Base 6.0 §7.4 (Table 7-2).</summary>
public enum BitAttribute
{
    /// <summary>Read-only.</summary>
    Ro,
    /// <summary>Read-only and sticky (kept across conventional reset), e.g. the AER header log.</summary>
    RoS,
    /// <summary>Read-write.</summary>
    Rw,
    /// <summary>Read-write, sticky.</summary>
    RwS,
    /// <summary>Write 1 to clear.</summary>
    Rw1c,
    /// <summary>Write 1 to clear, sticky.</summary>
    Rw1cS,
    /// <summary>Reserved, preserve on write.</summary>
    RsvdP,
    /// <summary>Reserved, write zero.</summary>
    RsvdZ,
    /// <summary>Set by hardware or firmware at initialisation, read-only after.</summary>
    HwInit,
}
