using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Bench;

// Minimal hardware ports for benchmarks that drive the hypervisor alone: a dictionary of config spaces,
// one isolation group, and no IOMMU, interrupt controller, events or clock worth the name.

internal sealed class StubFabric : IConfigAccess
{
    public Dictionary<Sbdf, ConfigSpace> Functions { get; } = [];
    public uint Read(Sbdf function, int offset, int size) => Functions.TryGetValue(function, out var c) ? c.Read(offset, size) : uint.MaxValue;
    public void Write(Sbdf function, int offset, int size, uint value) { if (Functions.TryGetValue(function, out var c)) c.Write(offset, size, value); }
}

internal sealed class OneGroupTopology(Sbdf only) : IAssignmentTopology
{
    public bool Contains(Sbdf function) => function == only;
    public AssignableGroup? GroupOf(Sbdf function) => function == only ? new AssignableGroup(0, [only], "alone") : null;
    public IReadOnlyList<Sbdf> PhantomFunctionsOf(Sbdf function) => [];
}

internal sealed class NoIommu : IIommu
{
    public void Attach(uint streamId, DomainId domain) { }
    public void Block(uint streamId) { }
    public void Detach(uint streamId) { }
    public IommuContext ContextOf(uint streamId) => IommuContext.None;
    public IReadOnlyList<IommuFault> DrainFaults() => [];
}

internal sealed class NoInterrupts : IInterruptController
{
    public void OnSpi(uint intId, Action handler) { }
    public void MapLpi(uint deviceId, uint eventId, DomainId domain, uint virtualIntId) { }
    public void UnmapDevice(uint deviceId) { }
    public void InjectVirtual(DomainId domain, int vcpu, uint virtualIntId) { }
}

internal sealed class NoEvents : IEventSink
{
    public void Emit(TimelineEvent e) { }
}

internal sealed class ZeroClock : IClock
{
    public SimTime Now => SimTime.Zero;
}
