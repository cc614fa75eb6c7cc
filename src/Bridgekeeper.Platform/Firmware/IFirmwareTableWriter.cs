using System.Collections.Immutable;

namespace Bridgekeeper.Platform;

/// <summary>
/// Encodes the ACPI tables the platform publishes. Platform describes what goes in them; the byte
/// encoders live in Bridgekeeper.Firmware (MCFG: PCI Firmware Spec 3.3 §4.1.2; IORT: Arm DEN 0049;
/// HEST: ACPI 6.5 §18.3.2); <see cref="AcpiFirmwareTables"/> uses them.
/// </summary>
public interface IFirmwareTableWriter
{
    byte[] WriteMcfg(ImmutableArray<McfgAllocation> allocations);

    byte[] WriteIort(ImmutableArray<IortRootComplex> rootComplexes);

    byte[] WriteHest(ImmutableArray<HestErrorSource> sources);
}

/// <summary>One MCFG allocation: ECAM base, segment, bus range.</summary>
public readonly record struct McfgAllocation(ulong EcamBase, ushort Segment, byte StartBus, byte EndBus);

/// <summary>An IORT PCI root complex node with identity-with-offset mappings of all its Requester IDs to SMMU StreamIDs and ITS DeviceIDs.</summary>
public readonly record struct IortRootComplex(uint Segment, uint StreamIdBase, uint DeviceIdBase);

/// <summary>A HEST entry: an AER root port or global entry with FIRMWARE_FIRST, or a GHES/GHESv2 source with its notification.</summary>
public sealed record HestErrorSource(
    ushort SourceId,
    HestSourceKind Kind,
    bool FirmwareFirst,
    bool Global,
    uint Segment,
    byte Bus,
    byte DevFn,
    byte NotifyType,
    uint Vector,
    ulong StatusAddressRegister,
    uint BlockLength,
    ulong ReadAckRegister);

public enum HestSourceKind
{
    /// <summary>PCIe Root Port AER structure (HEST type 6).</summary>
    AerRootPort = 6,
    /// <summary>Generic Hardware Error Source (type 9).</summary>
    Ghes = 9,
    /// <summary>Generic Hardware Error Source version 2 (type 10).</summary>
    GhesV2 = 10,
}
