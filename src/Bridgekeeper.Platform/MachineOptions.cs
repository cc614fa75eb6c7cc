namespace Bridgekeeper.Platform;

/// <summary>
/// Choices made when a machine is built: the seed of its one random source, the firmware table and
/// CPER encoders (from Bridgekeeper.Firmware), how the Header Log stores a captured header, and
/// whether error logging reproduces QEMU's stray stores (<see cref="AerQuirks"/>).
/// </summary>
public sealed record MachineOptions(
    ulong Seed = 1,
    IFirmwareTableWriter? TableWriter = null,
    IGhesRecordWriter? GhesRecordWriter = null,
    HeaderLogByteOrder HeaderLog = HeaderLogByteOrder.Spec,
    AerQuirks AerQuirks = AerQuirks.None);
