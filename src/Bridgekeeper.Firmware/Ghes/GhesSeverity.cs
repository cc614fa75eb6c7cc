namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// Linux's GHES severity (<c>GHES_SEV_*</c>, drivers/acpi/apei/ghes.c), ordered so that a larger value
/// is worse: the handler panics on <see cref="Panic"/>.
/// </summary>
public enum GhesSeverity
{
    NoError = 0,
    Corrected = 1,
    Recoverable = 2,
    Panic = 3,
}
