namespace Bridgekeeper.Firmware.Ghes;

/// <summary>AER severity Linux hands to PCIe recovery (<c>AER_CORRECTABLE</c>, <c>AER_NONFATAL</c>, <c>AER_FATAL</c>).</summary>
public enum AerSeverity
{
    Correctable = 0,
    NonFatal = 1,
    Fatal = 2,
}
