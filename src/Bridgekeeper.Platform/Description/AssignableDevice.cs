using System.Collections.Immutable;

namespace Bridgekeeper.Platform;

/// <summary>
/// An endpoint of a drawn platform a guest may be given: its functions' names (one, or every function
/// of a multi-function device, function 0 first) and whether its root port is firmware-first (its
/// errors then reach the hypervisor through GHES, never as native AER interrupts).
/// </summary>
public sealed record AssignableDevice(ImmutableArray<string> Functions, bool BelowFirmwareFirstPort);
