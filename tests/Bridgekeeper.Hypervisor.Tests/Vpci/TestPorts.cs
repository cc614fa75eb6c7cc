using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>An IOMMU that keeps contexts and logs every change to a shared step log.</summary>
public sealed class RecordingIommu(List<string> log) : IIommu
{
    private readonly Dictionary<uint, IommuContext> _contexts = [];

    public void Attach(uint streamId, DomainId domain) { _contexts[streamId] = IommuContext.For(domain); log.Add($"iommu attach {streamId:x} {domain}"); }

    public void Block(uint streamId) { _contexts[streamId] = IommuContext.Blocked; log.Add($"iommu block {streamId:x}"); }

    public void Detach(uint streamId) { _contexts.Remove(streamId); log.Add($"iommu detach {streamId:x}"); }

    public IommuContext ContextOf(uint streamId) => _contexts.TryGetValue(streamId, out var c) ? c : IommuContext.None;

    public IReadOnlyList<IommuFault> DrainFaults() => [];
}

/// <summary>An interrupt controller that logs ITS mappings and records injected virtual interrupts.</summary>
public sealed class RecordingInterrupts(List<string> log) : IInterruptController
{
    public List<(DomainId Domain, int Vcpu, uint IntId)> Injected { get; } = [];

    public Dictionary<(uint DeviceId, uint EventId), (DomainId Domain, uint IntId)> Lpis { get; } = [];

    public void OnSpi(uint intId, Action handler) { }

    public void MapLpi(uint deviceId, uint eventId, DomainId domain, uint virtualIntId)
    {
        Lpis[(deviceId, eventId)] = (domain, virtualIntId);
        log.Add($"its map {deviceId:x}/{eventId} {domain}");
    }

    public void UnmapDevice(uint deviceId)
    {
        foreach (var key in Lpis.Keys.Where(k => k.DeviceId == deviceId).ToList()) Lpis.Remove(key);
        log.Add($"its unmap {deviceId:x}");
    }

    public void InjectVirtual(DomainId domain, int vcpu, uint virtualIntId) => Injected.Add((domain, vcpu, virtualIntId));
}

public sealed class ListEventSink : IEventSink
{
    public List<TimelineEvent> Events { get; } = [];

    public void Emit(TimelineEvent e) => Events.Add(e);

    public IEnumerable<TimelineEvent> OfKind(string kind) => Events.Where(e => e.Kind == kind);
}

public sealed class FixedClock : IClock
{
    public SimTime Now { get; set; } = SimTime.FromMilliseconds(5);
}

/// <summary>Groups and phantom functions given directly.</summary>
public sealed class FakeTopology : IAssignmentTopology
{
    private readonly List<AssignableGroup> _groups = [];

    public Dictionary<Sbdf, List<Sbdf>> Phantoms { get; } = [];

    public FakeTopology Group(string reason, params Sbdf[] members)
    {
        _groups.Add(new AssignableGroup(_groups.Count, [.. members.Order()], reason));
        return this;
    }

    public bool Contains(Sbdf function) => _groups.Any(g => g.Members.Contains(function));

    public AssignableGroup? GroupOf(Sbdf function) => _groups.FirstOrDefault(g => g.Members.Contains(function));

    public IReadOnlyList<Sbdf> PhantomFunctionsOf(Sbdf function) => Phantoms.TryGetValue(function, out var p) ? p : ImmutableArray<Sbdf>.Empty;

    public Dictionary<Sbdf, List<Sbdf>> Aliases { get; } = [];

    public IReadOnlyList<Sbdf> DmaAliasesOf(Sbdf function) => Aliases.TryGetValue(function, out var a) ? a : ImmutableArray<Sbdf>.Empty;
}
