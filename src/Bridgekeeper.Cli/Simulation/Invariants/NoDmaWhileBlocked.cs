using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// No DMA from a reset scope reaches memory between <c>dma-blocked</c> and <c>dma-unblocked</c>: a device
/// under reset (or whose owner only claims to have quiesced) must not write guest memory (PCIe Base 6.0
/// §6.6: a function in reset has undefined behaviour; the IOMMU block is what makes that safe). A block
/// that is never lifted (quarantine) lasts to the end of the run.
/// </summary>
public sealed class NoDmaWhileBlocked : IInvariant
{
    public string Name => "no-dma-while-blocked";

    public void Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks)
    {
        var blockedSince = new Dictionary<Sbdf, SimTime>();
        var windows = new List<(Sbdf Device, SimTime From, SimTime To)>();
        foreach (var e in events)
        {
            if (e.Kind == EventKinds.DmaBlocked)
            {
                foreach (var d in ScopeOf(e)) blockedSince.TryAdd(d, e.Time);
            }
            else if (e.Kind == EventKinds.DmaUnblocked)
            {
                foreach (var d in ScopeOf(e))
                {
                    if (blockedSince.Remove(d, out var from)) windows.Add((d, from, e.Time));
                }
            }
        }
        foreach (var (d, from) in blockedSince) windows.Add((d, from, new SimTime(long.MaxValue)));

        foreach (var dma in observed.Dma)
        {
            if (!dma.ReachedMemory) continue;
            foreach (var (device, from, to) in windows)
            {
                if (dma.Device == device && dma.Time >= from && dma.Time < to)
                {
                    breaks.Add(new InvariantBreak(Name, dma.Time, device, $"DMA reached memory while blocked since {from}"));
                    break;
                }
            }
        }
    }

    /// <summary>The functions a block covers: its <c>scope</c> detail, else the event's device.</summary>
    internal static IReadOnlyList<Sbdf> ScopeOf(TimelineEvent e)
    {
        var scope = EventDetails.GetDevices(e, "scope");
        if (scope.Count > 0) return scope;
        return e.Device is { } d ? [d] : [];
    }
}
