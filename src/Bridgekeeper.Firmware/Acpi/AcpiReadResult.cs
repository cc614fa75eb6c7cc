using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi;

/// <summary>A table as read: the decoded content, what its header claimed, and every tolerated defect.</summary>
public sealed record AcpiReadResult<TTable>(TTable Table, AcpiTableFrame Frame, ImmutableArray<AcpiWarning> Warnings);
