namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Hardware Error Notification types (ACPI 6.5 §18.3.2.9, Table 18.14), with the spec's values so a
/// HEST byte maps directly. Mirrors the Firmware HEST reader's enum so this folder depends only on the
/// narrow <see cref="GhesSourceDescriptor"/>.
/// </summary>
public enum GhesNotifyKind : byte
{
    Polled = 0,
    ExternalInterrupt = 1,
    LocalInterrupt = 2,
    Sci = 3,
    Nmi = 4,
    Cmci = 5,
    Mce = 6,
    Gpio = 7,
    Sea = 8,
    Sei = 9,
    Gsiv = 10,
    Sdei = 11,
}
