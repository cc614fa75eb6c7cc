using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>A guest driver's "run my device" / "stop my device" as the simulator's DMA generator at the guest's rate.</summary>
public sealed class GuestDmaView(SimulatedMachine machine, double perMillisecond) : IGuestDmaEngine
{
    public void SetRunning(Sbdf physicalFunction, bool running)
    {
        if (perMillisecond <= 0 || machine.Find(physicalFunction) is null) return;
        if (running) machine.StartDma(physicalFunction, perMillisecond);
        else machine.StopDma(physicalFunction);
    }
}
