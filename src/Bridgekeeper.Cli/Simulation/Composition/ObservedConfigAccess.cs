using System.Buffers.Binary;
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
        var f = Observe(function, offset, size, write: false);
        return machine.Fabric.ReadRouted(f, offset, size);
    }

    /// <summary>
    /// A block routed once when its target is ready (nothing to record); otherwise the dword reads one by
    /// one, so each is recorded exactly as the per-dword path records it.
    /// </summary>
    public void ReadBlock(Sbdf function, int offset, Span<byte> destination)
    {
        IConfigAccess.CheckBlock(offset, destination.Length);
        var f = machine.Fabric.Route(function);
        if (f is not null && !f.Removed && (f.InReset || machine.EventLoop.Now < f.ReadyAt))
        {
            for (int o = 0; o < destination.Length; o += 4)
                BinaryPrimitives.WriteUInt32LittleEndian(destination[o..], Read(function, offset + o, 4));
            return;
        }
        machine.Fabric.ReadBlockRouted(f, offset, destination);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        var f = Observe(function, offset, size, write: true);
        machine.Fabric.WriteRouted(f, offset, size, value);
    }

    // Routes the request once, for the observation and for the access itself.
    private SimFunction? Observe(Sbdf function, int offset, int size, bool write)
    {
        var f = machine.Fabric.Route(function);
        if (f is null || f.Removed) return f;
        if (f.InReset || machine.EventLoop.Now < f.ReadyAt)
            NotReady.Add(new ConfigRequestObservation(machine.EventLoop.Now, function, offset, size, write, DeviceReady: false));
        return f;
    }
}
