namespace Bridgekeeper.Pci;

/// <summary>
/// A config access that the spec does not allow: a size other than 1, 2 or 4 bytes, an offset not
/// naturally aligned to the size (PCIe Base 6.0 §7.2.2: ECAM accesses must not cross a naturally
/// aligned dword), or an offset beyond the function's config space.
/// </summary>
public sealed class ConfigAccessException(string message) : ArgumentException(message);
