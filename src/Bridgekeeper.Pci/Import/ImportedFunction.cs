namespace Bridgekeeper.Pci;

/// <summary>
/// One function read from a real host (an lspci dump or a sysfs tree): its address and config space,
/// plus what the host said about it. <see cref="IommuGroup"/> is informational only: Bridgekeeper
/// computes groups itself and never trusts the host's. <see cref="CapturedLength"/> is how many bytes
/// the source actually held (an lspci dump may give 64, 256, 4096 or any count between); bytes past
/// it read 0xFF in <see cref="Config"/>, and the exporter writes only the captured bytes back so a
/// round trip through <c>lspci -F</c> shows the same "access denied" places.
/// </summary>
public sealed record ImportedFunction(Sbdf Address, ConfigSpace Config)
{
    public Sbdf? PhysicalFunction { get; init; }

    public string? IommuGroup { get; init; }

    public string? Driver { get; init; }

    /// <summary>
    /// For a sysfs import, the resolved device directory (for example
    /// <c>/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0</c>); its parent directory names the upstream
    /// bridge even when a reset has cleared bus numbers. Null for lspci dumps.
    /// </summary>
    public string? SysfsDirectory { get; init; }

    public int CapturedLength { get; init; } = Config.Size;
}
