using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Guests;

/// <summary>
/// The DMA a guest's driver keeps its device doing (the simulator's DMA generator): started when the
/// driver runs the device, stopped when it quiesces. Keyed by the physical function doing the DMA.
/// </summary>
public interface IGuestDmaEngine
{
    void SetRunning(Sbdf physicalFunction, bool running);
}
