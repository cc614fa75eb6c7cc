using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// What the simulated hardware saw, independent of what the hypervisor says it did: every DMA a device
/// issued and whether it reached memory, every config request that reached a device and whether the
/// device was ready for it, and every error record the RAS log holds. Invariants compare these with the
/// event stream, so a hypervisor that claims a block it never programmed is caught.
/// <see cref="IsBelow"/> answers whether a function sits below a bridge (in its reset scope), from the
/// topology the run built; null means every function counts as in every scope.
/// </summary>
public sealed record SimulationObservations(
    IReadOnlyList<DmaObservation> Dma,
    IReadOnlyList<ConfigRequestObservation> ConfigRequests,
    IReadOnlyList<LoggedErrorView> LoggedErrors,
    Func<Sbdf, Sbdf, bool>? IsBelow = null)
{
    public static readonly SimulationObservations None = new([], [], []);
}

/// <summary>One DMA transaction a function issued; <see cref="ReachedMemory"/> is false when the IOMMU faulted it.</summary>
public readonly record struct DmaObservation(SimTime Time, Sbdf Device, bool ReachedMemory);

/// <summary>One config request that reached a function; <see cref="DeviceReady"/> is false when it arrived while the function was in reset or not yet Configuration-Ready.</summary>
public readonly record struct ConfigRequestObservation(SimTime Time, Sbdf Device, int Offset, int Size, bool Write, bool DeviceReady);

/// <summary>One error record as stored in the RAS log.</summary>
public readonly record struct LoggedErrorView(SimTime Time, Sbdf? Device);
