namespace Bridgekeeper.Platform;

/// <summary>Platform firmware taking AER messages at a firmware-first root port (ACPI 6.5 §18.3.2.4-5, HEST FIRMWARE_FIRST).</summary>
public interface IFirmwareFirstSink
{
    void OnAerMessage(SimFunction rootPort, AerMessage message);
}
