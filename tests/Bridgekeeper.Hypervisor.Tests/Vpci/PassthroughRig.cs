using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>
/// A small machine for the passthrough tests: root port 00:01.0 over bus 1 with a two-function endpoint
/// (01:00.0 and 01:00.1 sharing a group), root port 00:02.0 over bus 2 with a single endpoint 02:00.0
/// in its own group; all wired to a Hypervisor with recording ports.
/// </summary>
public sealed class PassthroughRig
{
    public static readonly Sbdf Port1 = Sbdf.Parse("00:01.0");
    public static readonly Sbdf Port2 = Sbdf.Parse("00:02.0");
    public static readonly Sbdf Nic0 = Sbdf.Parse("01:00.0");
    public static readonly Sbdf Nic1 = Sbdf.Parse("01:00.1");
    public static readonly Sbdf Gpu = Sbdf.Parse("02:00.0");
    public static readonly DomainId Guest1 = new(1);
    public static readonly DomainId Guest2 = new(2);

    public PassthroughRig(ErrorNotification notification = ErrorNotification.VirtualRootPort)
    {
        Fabric.Functions[Port1] = ConfigBuilder.RootPort(1, 1);
        Fabric.Functions[Port2] = ConfigBuilder.RootPort(2, 2);
        Fabric.Functions[Nic0] = ConfigBuilder.Endpoint(0x1572);
        Fabric.Functions[Nic1] = ConfigBuilder.Endpoint(0x1573);
        Fabric.Functions[Gpu] = ConfigBuilder.Endpoint(0x2204, multifunction: false);
        Topology.Group("root port 00:01.0 has ACS", Port1)
            .Group("01:00.0 and 01:00.1 share a group: multifunction device without ACS", Nic0, Nic1)
            .Group("root port 00:02.0 has ACS", Port2)
            .Group("02:00.0 alone behind ACS", Gpu);
        Iommu = new RecordingIommu(Log);
        Interrupts = new RecordingInterrupts(Log);
        Hypervisor = new Bridgekeeper.Hypervisor.Hypervisor(new HypervisorPorts(Fabric, Iommu, Interrupts, Events, Clock) { Mmio = Mmio }, Topology);
        Hypervisor.CreateGuest(Guest1, new GuestOptions(notification));
        Hypervisor.CreateGuest(Guest2, new GuestOptions(notification));
    }

    public List<string> Log { get; } = [];

    public FakeConfigFabric Fabric { get; } = new();

    /// <summary>Host physical memory where the endpoints' BARs decode (the MSI-X tables live in BAR0 at 0x2000).</summary>
    public Bridgekeeper.Platform.SimMemory Mmio { get; } = new();

    public FakeTopology Topology { get; } = new();

    public RecordingIommu Iommu { get; }

    public RecordingInterrupts Interrupts { get; }

    public ListEventSink Events { get; } = new();

    public FixedClock Clock { get; } = new();

    public Bridgekeeper.Hypervisor.Hypervisor Hypervisor { get; }

    public static uint Sid(Sbdf f) => HypervisorPorts.IdentityRid(f);
}
