namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>Hardware Error Notification types (ACPI 6.5 §18.3.2.9, Table 18.14); 12 and above are reserved.</summary>
public enum NotificationType : byte
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
