using Bridgekeeper.Cli.Simulation.Invariants;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The physical config path as the hypervisor sees it, with the simulator watching: every request that
/// reaches a function still in reset or not yet Configuration-Ready is recorded for the
/// <see cref="ConfigOnlyWhenReady"/> invariant.
/// </summary>
public sealed class ObservedConfigAccess(SimulatedMachine machine) : IConfigAccess
{
    public List<ConfigRequestObservation> NotReady { get; } = [];

    public uint Read(Sbdf function, int offset, int size)
    {
        Observe(function, offset, size, write: false);
        return machine.Config.Read(function, offset, size);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        Observe(function, offset, size, write: true);
        machine.Config.Write(function, offset, size, value);
    }

    private void Observe(Sbdf function, int offset, int size, bool write)
    {
        var f = machine.Find(function);
        if (f is null || f.Removed) return;
        if (f.InReset || machine.EventLoop.Now < f.ReadyAt)
            NotReady.Add(new ConfigRequestObservation(machine.EventLoop.Now, function, offset, size, write, DeviceReady: false));
    }
}
