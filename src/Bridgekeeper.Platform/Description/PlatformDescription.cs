using System.Collections.Immutable;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>A machine as the platform file describes it (schema: docs/platform-schema.md).</summary>
public sealed record PlatformDescription(string Name, ImmutableArray<HostBridgeDescription> HostBridges, FirmwareFirstDescription? FirmwareFirst);

/// <summary>
/// One host bridge (PCI segment) and the devices on its root bus. <see cref="IoBase"/> and
/// <see cref="IoSize"/> are its I/O window in PCI I/O space (on Arm the host bridge translates a CPU
/// MMIO window to these I/O addresses); size 0 means it forwards no I/O.
/// </summary>
public sealed record HostBridgeDescription(
    string Name,
    uint Segment,
    ulong EcamBase,
    byte StartBus,
    byte EndBus,
    ulong Mmio32Base,
    ulong Mmio32Size,
    ulong Mmio64Base,
    ulong Mmio64Size,
    uint StreamIdBase,
    uint DeviceIdBase,
    ImmutableArray<DeviceDescription> Devices,
    uint? IntxSpiBase = null,
    ulong IoBase = 0,
    ulong IoSize = 0);

/// <summary>
/// A device in a slot: a catalog model (or a cloned config dump) at device.function, with options,
/// and for bridges the devices on its secondary bus.
/// </summary>
public sealed record DeviceDescription(
    string Name,
    string Model,
    int Device,
    int Function,
    DeviceOptions Options,
    uint? Spi,
    SimTime? LinkTraining,
    bool FirmwareFirst,
    ImmutableArray<DeviceDescription> Children,
    string? CloneFrom = null,
    int Line = 0);

/// <summary>Firmware-first error handling as HEST describes it (ACPI 6.5 §18.3.2).</summary>
public sealed record FirmwareFirstDescription(bool Global, ImmutableArray<GhesSourceDescription> Sources);

/// <summary>
/// One Generic Hardware Error Source (ACPI 6.5 §18.3.2.7, GHESv2 §18.3.2.8): which root port's errors
/// it carries (or all, when null), its notification (type and vector, §18.3.2.9) and where its
/// error status block lives.
/// </summary>
public sealed record GhesSourceDescription(
    ushort SourceId,
    string? RootPort,
    byte NotifyType,
    uint Vector,
    int Version,
    ulong StatusAddressRegister,
    ulong BlockAddress,
    uint BlockLength,
    ulong ReadAckRegister);
