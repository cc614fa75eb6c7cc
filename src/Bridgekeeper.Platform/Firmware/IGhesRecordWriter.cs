using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// Writes a Generic Error Status Block (ACPI 6.5 §18.3.2.7.1) holding one PCI Express error section
/// (UEFI 2.10 §N.2.7) into <c>block</c> and returns the bytes used. <see cref="CperGhesRecordWriter"/>
/// uses Bridgekeeper.Firmware's encoder; Platform only gathers what the section carries. The block
/// comes zeroed; a writer changes no byte past those it returns as used (firmware reuses the block
/// and clears only those).
/// </summary>
public interface IGhesRecordWriter
{
    int WritePcieError(Span<byte> block, in PcieErrorSnapshot error);
}

/// <summary>
/// What firmware captured about an error: the function, its port type, IDs, Command/Status, Device
/// Control/Status, the severity, and the raw AER capability bytes (the PCIe section's AER Info).
/// </summary>
public readonly record struct PcieErrorSnapshot(
    Sbdf Device,
    PciePortType PortType,
    ErrorSeverity Severity,
    ushort VendorId,
    ushort DeviceId,
    uint ClassCode,
    ushort Command,
    ushort Status,
    ushort DeviceControl,
    ushort DeviceStatus,
    ulong SerialNumber,
    ReadOnlyMemory<byte> AerCapability);
