using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Bench;

/// <summary>
/// Assigning one PCIe endpoint (two BARs, PCIe and AER capabilities) to a guest and giving it back: group
/// and ID checks, quiesce, IOMMU switch, and the guest's vPCI view (config snapshot, BAR sizing, every
/// emulated register, and the virtual root port above it for notification option (b), or the device alone
/// for option (a)). Session 10 (issue 7): the assignment phase of a campaign scenario.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class GuestAssignBenchmark
{
    private static readonly DomainId Guest = new(1);
    private static readonly DomainId DirectGuest = new(2);
    private static readonly Sbdf Physical = Sbdf.Parse("01:00.0");
    private static readonly Sbdf[] Functions = [Physical];
    private Bridgekeeper.Hypervisor.Hypervisor _hypervisor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fabric = new StubFabric();
        fabric.Functions[Physical] = GuestConfigDispatchBenchmark.Endpoint();
        _hypervisor = new Bridgekeeper.Hypervisor.Hypervisor(new HypervisorPorts(fabric, new NoIommu(), new NoInterrupts(), new NoEvents(), new ZeroClock()),
            new OneGroupTopology(Physical));
        _hypervisor.CreateGuest(Guest, new GuestOptions(ErrorNotification.VirtualRootPort));
        _hypervisor.CreateGuest(DirectGuest, new GuestOptions(ErrorNotification.VirtualGhes));
    }

    [Benchmark(Description = "assign + deassign, behind a virtual root port")]
    public bool AssignBehindRootPort() => Cycle(Guest);

    [Benchmark(Description = "assign + deassign, directly on the host bridge")]
    public bool AssignDirect() => Cycle(DirectGuest);

    private bool Cycle(DomainId guest)
    {
        var assigned = _hypervisor.Assign(guest, Functions);
        if (!assigned.Accepted) throw new InvalidOperationException(assigned.ToString());
        return _hypervisor.Deassign(guest, Functions, DeassignTarget.HardwareDomain).Accepted;
    }
}
