using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// Devices issuing DMA at a configurable rate. A transaction leaves a function only when its Bus
/// Master Enable is set and every bridge above it forwards upstream requests, which also needs
/// their Bus Master Enable (PCIe Base 6.0 §7.5.1.1.3); it is then translated by the SMMU under the
/// function's StreamID, which records a fault when the StreamID has no context or a blocked one.
/// A function in reset, removed, or behind a link that is down issues nothing.
/// </summary>
public sealed class DmaEngine
{
    private readonly EventLoop _loop;
    private readonly SimSmmu _smmu;
    private readonly IRandomSource _random;
    private readonly Dictionary<SimFunction, Generator> _generators = [];

    public DmaEngine(EventLoop loop, SimSmmu smmu, IRandomSource random)
    {
        _loop = loop;
        _smmu = smmu;
        _random = random;
    }

    /// <summary>Transactions that left their function (translated or faulted).</summary>
    public long Issued { get; private set; }

    /// <summary>Starts (or changes) a function's DMA: <paramref name="perMillisecond"/> transactions per ms of virtual time.</summary>
    public void Start(SimFunction f, double perMillisecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perMillisecond);
        Stop(f);
        var g = new Generator(this, f, new SimTime(Math.Max(1, (long)(1_000_000 / perMillisecond))));
        _generators[f] = g;
        g.Arm();
    }

    public void Stop(SimFunction f)
    {
        if (_generators.Remove(f, out var g)) _loop.Cancel(g.Timer);
    }

    public static uint StreamIdOf(SimFunction f) => f.Bus!.HostBridge.StreamIdBase + f.Address.RequesterId.Value;

    /// <summary>Whether a transaction from <paramref name="f"/> reaches the root complex now.</summary>
    public static bool CanReachRootComplex(SimFunction f)
    {
        if (f.Removed || f.InReset || (f.Config.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandBusMaster) == 0) return false;
        for (var b = f.UpstreamBridge; b is not null; b = b.UpstreamBridge)
        {
            if (b.Removed || b.InReset || (b.IsDownstreamPort && !b.LinkUp)) return false;
            if ((b.Config.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandBusMaster) == 0) return false;
        }
        return true;
    }

    private void Issue(SimFunction f)
    {
        if (!CanReachRootComplex(f)) return;
        Issued++;
        ulong address = (ulong)_random.NextInRange(0, 1L << 40) & ~0xFFFUL;
        _smmu.Translate(StreamIdOf(f), address, write: (address & 0x1000) != 0);
    }

    private sealed class Generator
    {
        private readonly DmaEngine _engine;
        private readonly SimFunction _function;
        private readonly SimTime _interval;
        private readonly Action _tick;

        public Generator(DmaEngine engine, SimFunction function, SimTime interval)
        {
            _engine = engine;
            _function = function;
            _interval = interval;
            _tick = Tick; // one delegate per generator, reused for every transaction
        }

        public TimerHandle Timer { get; private set; }

        public void Arm() => Timer = _engine._loop.Schedule(_interval, _tick, "dma");

        private void Tick()
        {
            _engine.Issue(_function);
            Arm();
        }
    }
}
