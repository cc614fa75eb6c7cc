using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// A bus: a host bridge's root bus or the secondary bus of a bridge. Its number is the host
/// bridge's first bus for a root bus, otherwise whatever the bridge's Secondary Bus Number register
/// holds now (PCIe Base 6.0 §7.5.1.3.3), so a reset that clears it makes the bus unreachable.
/// </summary>
public sealed class SimBus
{
    private readonly SimFunction?[] _slots = new SimFunction?[256];

    public SimBus(SimHostBridge hostBridge, SimFunction? bridge)
    {
        HostBridge = hostBridge;
        Bridge = bridge;
    }

    public SimHostBridge HostBridge { get; }

    /// <summary>The bridge that owns this bus, or null for a root bus.</summary>
    public SimFunction? Bridge { get; }

    public byte Number => Bridge is null ? HostBridge.StartBus : Bridge.Config.Bytes[ConfigHeader.SecondaryBus];

    /// <summary>Functions present on the bus, in devfn order.</summary>
    public List<SimFunction> Functions { get; } = [];

    /// <summary>
    /// The functions with a bus behind them (bridges), in devfn order: the only ones that can claim a
    /// config request for another bus, so routing looks at these alone. Rebuilt whenever a function is
    /// attached or detached or gets its secondary bus, the only ways the set changes.
    /// </summary>
    internal SimFunction[] Bridges { get; private set; } = [];

    public SimFunction? At(int devFn) => _slots[devFn];

    public void Attach(SimFunction function, int devFn)
    {
        if (_slots[devFn] is not null) throw new InvalidOperationException($"devfn {devFn >> 3:x2}.{devFn & 7} on this bus is taken by {_slots[devFn]!.Name}");
        function.Bus = this;
        function.DevFn = (byte)devFn;
        _slots[devFn] = function;
        int i = 0;
        while (i < Functions.Count && Functions[i].DevFn < devFn) i++;
        Functions.Insert(i, function);
        RefreshBridges();
    }

    public void Detach(SimFunction function)
    {
        if (_slots[function.DevFn] != function) return;
        _slots[function.DevFn] = null;
        Functions.Remove(function);
        RefreshBridges();
    }

    internal void RefreshBridges()
    {
        int count = 0;
        foreach (var f in Functions) if (f.SecondaryBus is not null) count++;
        if (count == 0)
        {
            Bridges = [];
            return;
        }
        var bridges = new SimFunction[count];
        count = 0;
        foreach (var f in Functions) if (f.SecondaryBus is not null) bridges[count++] = f;
        Bridges = bridges;
    }
}
