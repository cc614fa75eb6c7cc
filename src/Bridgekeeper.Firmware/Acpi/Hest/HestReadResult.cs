using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// A HEST as read: the decoded table, what its header claimed (Length, Checksum, Error Source
/// Count), where each error source starts (parallel to <see cref="HestTable.ErrorSources"/>), and
/// every tolerated defect with its offset.
/// </summary>
public sealed record HestReadResult(
    HestTable Table,
    AcpiTableFrame Frame,
    uint ErrorSourceCount,
    ImmutableArray<int> ErrorSourceOffsets,
    ImmutableArray<AcpiWarning> Warnings);
