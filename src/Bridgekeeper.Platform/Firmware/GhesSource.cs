namespace Bridgekeeper.Platform;

/// <summary>
/// A GHES source as firmware keeps it: the HEST description plus what has happened (records
/// written, records dropped because the OS had not yet acknowledged or cleared the previous one).
/// </summary>
public sealed class GhesSource(GhesSourceDescription description, SimFunction? rootPort)
{
    public GhesSourceDescription Description { get; } = description;

    /// <summary>The root port whose errors this source carries, or null for all firmware-first ports.</summary>
    public SimFunction? RootPort { get; } = rootPort;

    public int RecordsWritten { get; internal set; }

    public int RecordsDropped { get; internal set; }
}
