using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>Devices doing DMA while their driver runs them: one write through the IOMMU every tick.</summary>
public sealed class TestDma(TestEventLoop loop, TestIommu iommu) : IGuestDmaEngine
{
    private readonly SortedSet<Sbdf> _running = [];
    private bool _ticking;

    public static readonly SimTime Tick = SimTime.FromMicroseconds(250);

    public void SetRunning(Sbdf physicalFunction, bool running)
    {
        if (running) _running.Add(physicalFunction); else _running.Remove(physicalFunction);
        if (!_ticking && _running.Count > 0) { _ticking = true; loop.Schedule(Tick, Step, "dma"); }
    }

    public bool IsRunning(Sbdf function) => _running.Contains(function);

    private void Step()
    {
        foreach (var f in _running) iommu.Dma(f.RequesterId.Value);
        if (_running.Count == 0) { _ticking = false; return; }
        loop.Schedule(Tick, Step, "dma");
    }
}
