namespace Bridgekeeper.Pci;

/// <summary>
/// The three classes of PCIe error (PCIe Base 6.0 §6.2.2): correctable, uncorrectable non-fatal, and
/// uncorrectable fatal. Values follow Linux's <c>AER_CORRECTABLE</c>/<c>AER_NONFATAL</c>/<c>AER_FATAL</c>.
/// </summary>
public enum ErrorSeverity
{
    NonFatal = 0,
    Fatal = 1,
    Correctable = 2,
}
