namespace Bridgekeeper.Pci;

/// <summary>One capability: ID (standard 8-bit or extended 16-bit), offset, and which list it is in.</summary>
public sealed record CapabilityReport(int Id, int Offset, bool Extended)
{
    /// <summary>Extended capability version (0 for standard capabilities).</summary>
    public int Version { get; init; }

    /// <summary>Human name of the ID (display only).</summary>
    public string Name { get; init; } = "";
}
