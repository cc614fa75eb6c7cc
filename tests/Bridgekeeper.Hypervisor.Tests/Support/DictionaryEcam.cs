using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Support;

/// <summary>ECAM over a set of config spaces: a function not in the set reads all ones and ignores writes.</summary>
internal sealed class DictionaryEcam(IEnumerable<FunctionConfig> functions) : IConfigAccess
{
    public Dictionary<Sbdf, ConfigSpace> Functions { get; } = functions.ToDictionary(f => f.Address, f => f.Config.Clone());

    public int Reads { get; private set; }

    public uint Read(Sbdf function, int offset, int size)
    {
        Reads++;
        if (!Functions.TryGetValue(function, out var c) || offset + size > c.Size) return size == 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;
        return c.Read(offset, size);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        if (Functions.TryGetValue(function, out var c)) c.Write(offset, size, value);
    }
}

internal sealed class RecordingSink : IEventSink
{
    public List<TimelineEvent> Events { get; } = [];

    public void Emit(TimelineEvent e) => Events.Add(e);
}

internal sealed class FixedClock : IClock
{
    public SimTime Now { get; set; } = SimTime.Zero;
}
