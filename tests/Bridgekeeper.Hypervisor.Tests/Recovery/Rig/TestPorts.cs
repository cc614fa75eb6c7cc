using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>An IOMMU with per-StreamID contexts that records faults and which DMA reached memory.</summary>
public sealed class TestIommu(TestEventLoop loop) : IIommu
{
    private readonly Dictionary<uint, IommuContext> _contexts = [];
    private readonly List<IommuFault> _faults = [];

    public List<(SimTime Time, uint StreamId)> ReachedMemory { get; } = [];

    public int FaultCount { get; private set; }

    public void Attach(uint streamId, DomainId domain) => _contexts[streamId] = IommuContext.For(domain);

    public void Block(uint streamId) => _contexts[streamId] = IommuContext.Blocked;

    public void Detach(uint streamId) => _contexts.Remove(streamId);

    public IommuContext ContextOf(uint streamId) => _contexts.TryGetValue(streamId, out var c) ? c : IommuContext.None;

    public IReadOnlyList<IommuFault> DrainFaults()
    {
        var copy = _faults.ToList();
        _faults.Clear();
        return copy;
    }

    /// <summary>A device's DMA write arriving at the IOMMU.</summary>
    public void Dma(uint streamId)
    {
        var c = ContextOf(streamId);
        if (c.AllowsDma) { ReachedMemory.Add((loop.Now, streamId)); return; }
        FaultCount++;
        _faults.Add(new IommuFault(loop.Now, streamId, 0x8000_0000, true, c.Kind));
    }
}

/// <summary>Physical SPI handlers and virtual injection into guests' list registers.</summary>
public sealed class TestGic : IInterruptController
{
    private readonly Dictionary<uint, List<Action>> _spis = [];
    private readonly Dictionary<DomainId, Action<uint>> _guests = [];

    public List<(DomainId Domain, int Vcpu, uint VirtualIntId)> Injected { get; } = [];

    public void OnSpi(uint intId, Action handler) => (_spis.TryGetValue(intId, out var l) ? l : _spis[intId] = []).Add(handler);

    public void Raise(uint intId)
    {
        foreach (var h in _spis[intId]) h();
    }

    public void MapLpi(uint deviceId, uint eventId, DomainId domain, uint virtualIntId) { }

    public void UnmapDevice(uint deviceId) { }

    public void RouteGuest(DomainId domain, Action<uint> onVirtualInterrupt) => _guests[domain] = onVirtualInterrupt;

    public void InjectVirtual(DomainId domain, int vcpu, uint virtualIntId)
    {
        Injected.Add((domain, vcpu, virtualIntId));
        if (_guests.TryGetValue(domain, out var g)) g(virtualIntId);
    }
}

/// <summary>Ownership for the tests: who owns what, and what ended quarantined or broken.</summary>
public sealed class TestOwners : IOwnerDirectory
{
    public Dictionary<Sbdf, DeviceOwner> Owners { get; } = [];
    public Dictionary<Sbdf, string> Quarantined { get; } = [];
    public Dictionary<Sbdf, string> Broken { get; } = [];

    public DeviceOwner? OwnerOf(Sbdf function) =>
        Quarantined.ContainsKey(function) || Broken.ContainsKey(function) ? null : Owners.GetValueOrDefault(function);

    public uint StreamIdOf(Sbdf function) => function.RequesterId.Value;

    public void Quarantine(Sbdf function, string reason) { Quarantined[function] = reason; Owners.Remove(function); }

    public void MarkBroken(Sbdf function, string reason) { Broken[function] = reason; Owners.Remove(function); }
}

public sealed class RecordingSink : IEventSink
{
    public List<TimelineEvent> Events { get; } = [];

    public void Emit(TimelineEvent e) => Events.Add(e);

    public IEnumerable<TimelineEvent> OfKind(string kind) => Events.Where(e => e.Kind == kind);

    public object? Detail(TimelineEvent e, string key) => e.Details.FirstOrDefault(d => d.Key == key).Value;
}

/// <summary>Sparse physical memory for GHES blocks and read-ack registers.</summary>
public sealed class TestMemory : ISystemMemory
{
    private readonly Dictionary<ulong, byte> _bytes = [];

    public void Read(ulong address, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = _bytes.GetValueOrDefault(address + (ulong)i);
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < source.Length; i++) _bytes[address + (ulong)i] = source[i];
    }
}

public sealed class TestFirmware : IPlatformFirmware
{
    private readonly Dictionary<byte, List<Action>> _exceptions = [];

    public ReadOnlyMemory<byte> Mcfg => ReadOnlyMemory<byte>.Empty;
    public ReadOnlyMemory<byte> Iort => ReadOnlyMemory<byte>.Empty;
    public ReadOnlyMemory<byte> Hest => ReadOnlyMemory<byte>.Empty;

    public void OnException(byte hestNotifyType, Action handler) =>
        (_exceptions.TryGetValue(hestNotifyType, out var l) ? l : _exceptions[hestNotifyType] = []).Add(handler);

    public void RaiseException(byte type)
    {
        foreach (var h in _exceptions[type]) h();
    }
}
