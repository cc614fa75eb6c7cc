using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>A small physical config space for tests: ConfigSpace per function; absent functions read all ones and ignore writes.</summary>
public sealed class FakeConfigFabric : IConfigAccess
{
    public Dictionary<Sbdf, ConfigSpace> Functions { get; } = [];

    public List<(Sbdf Function, int Offset, int Size, uint Value)> Writes { get; } = [];

    public uint Read(Sbdf function, int offset, int size) =>
        Functions.TryGetValue(function, out var c) ? c.Read(offset, size) : size == 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        Writes.Add((function, offset, size, value));
        if (Functions.TryGetValue(function, out var c)) c.Write(offset, size, value);
    }

    /// <summary>All bytes of every function, for before/after comparisons.</summary>
    public Dictionary<Sbdf, byte[]> Snapshot()
    {
        var copy = new Dictionary<Sbdf, byte[]>();
        foreach (var (f, c) in Functions) copy[f] = c.Bytes.ToArray();
        return copy;
    }
}
