using System.Collections.Immutable;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>The platform firmware's published tables and its exception-class notifications (SEA, SEI, SDEI).</summary>
public sealed class SimFirmware : IPlatformFirmware
{
    private readonly Dictionary<byte, Action> _exceptionHandlers = [];
    private readonly EventLoop _loop;

    internal SimFirmware(EventLoop loop) => _loop = loop;

    public ReadOnlyMemory<byte> Mcfg { get; private set; } = ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> Iort { get; private set; } = ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> Hest { get; private set; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>What the tables say, before encoding.</summary>
    public ImmutableArray<McfgAllocation> McfgAllocations { get; private set; } = [];

    public ImmutableArray<IortRootComplex> IortRootComplexes { get; private set; } = [];

    public ImmutableArray<HestErrorSource> HestSources { get; private set; } = [];

    /// <summary>Exception notifications raised (time, HEST notify type), oldest first.</summary>
    public List<(SimTime Time, byte NotifyType)> Exceptions { get; } = [];

    public void OnException(byte hestNotifyType, Action handler) => _exceptionHandlers[hestNotifyType] = handler;

    internal void RaiseException(byte notifyType)
    {
        Exceptions.Add((_loop.Now, notifyType));
        if (_exceptionHandlers.TryGetValue(notifyType, out var handler)) _loop.Schedule(SimTime.Zero, handler, "firmware-exception");
    }

    /// <summary>Takes tables another machine's boot firmware published from the same description (immutable values and read-only bytes).</summary>
    internal void Adopt(ImmutableArray<McfgAllocation> mcfg, ImmutableArray<IortRootComplex> iort, ImmutableArray<HestErrorSource> hest,
        ReadOnlyMemory<byte> mcfgBytes, ReadOnlyMemory<byte> iortBytes, ReadOnlyMemory<byte> hestBytes)
    {
        McfgAllocations = mcfg;
        IortRootComplexes = iort;
        HestSources = hest;
        Mcfg = mcfgBytes;
        Iort = iortBytes;
        Hest = hestBytes;
    }

    internal void Publish(IFirmwareTableWriter writer, ImmutableArray<McfgAllocation> mcfg, ImmutableArray<IortRootComplex> iort, ImmutableArray<HestErrorSource> hest)
    {
        McfgAllocations = mcfg;
        IortRootComplexes = iort;
        HestSources = hest;
        Mcfg = writer.WriteMcfg(mcfg);
        Iort = writer.WriteIort(iort);
        Hest = hest.IsEmpty ? ReadOnlyMemory<byte>.Empty : writer.WriteHest(hest);
    }
}
