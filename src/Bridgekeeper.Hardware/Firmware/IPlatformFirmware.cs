namespace Bridgekeeper.Hardware;

/// <summary>
/// The ACPI tables the platform firmware publishes (raw bytes, decoded with Bridgekeeper.Firmware),
/// and the firmware-first error notifications it raises. Notifications that arrive as interrupts
/// (GSIV, SCI on an Arm GSIV, GPIO-signalled) are delivered as SPIs through
/// <see cref="IInterruptController"/>; synchronous and asynchronous external aborts (SEA, SEI) and
/// SDEI events have no INTID and come through <see cref="OnException"/>.
/// </summary>
public interface IPlatformFirmware
{
    ReadOnlyMemory<byte> Mcfg { get; }

    ReadOnlyMemory<byte> Iort { get; }

    /// <summary>The HEST, or empty when the platform does no firmware-first error handling.</summary>
    ReadOnlyMemory<byte> Hest { get; }

    /// <summary>Registers a handler for an exception-class notification (HEST notify type SEA = 8, SEI = 9, SDEI = 11).</summary>
    void OnException(byte hestNotifyType, Action handler);
}
