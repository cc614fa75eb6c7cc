using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// One error as received: where it came from (native AER or a firmware-first GHES source), the raw
/// bytes exactly as read (AER capability registers, or the CPER record), and the decoded fields as JSON.
/// </summary>
public sealed record RasErrorRecord(
    SimTime Time,
    string Path,
    Sbdf? Device,
    ErrorSeverity Severity,
    ReadOnlyMemory<byte> Raw,
    string DecodedJson);
