using Bridgekeeper.Cli.Simulation.Composition;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Tests.Composition;

public class HardwareDomainModelTests
{
    /// <summary>d0's trapped accesses go straight to the simulated ECAM (no hypervisor checks needed here).</summary>
    private sealed class PassThrough(IConfigAccess config) : IHypervisorEntry
    {
        public uint ConfigRead(DomainId domain, Sbdf device, int offset, int size) => config.Read(device, offset, size);
        public void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value) => config.Write(device, offset, size, value);
        public void Reply(DomainId domain, long requestId, RecoveryVote vote) { }
        public void Quiesced(DomainId domain, Sbdf virtualDevice) { }
    }

    private sealed class Recorder : IPhysdevOps
    {
        public List<(Sbdf Device, PhysdevDeviceFlags Flags, Sbdf? Pf)> Added { get; } = [];
        public int HostBridges { get; private set; }
        public PhysdevResult ReportHostBridge(ulong ecamBase, uint segment, byte startBus, byte endBus) { HostBridges++; return PhysdevResult.Ok; }
        public PhysdevResult ReportDeviceAdd(Sbdf device, PhysdevDeviceFlags flags, Sbdf? physicalFunction, int? proximityDomain) { Added.Add((device, flags, physicalFunction)); return PhysdevResult.Ok; }
        public PhysdevResult ReportDeviceRemove(Sbdf device) => PhysdevResult.Ok;
        public PhysdevResult ReportDeviceReset(Sbdf device) => PhysdevResult.Ok;
    }

    private static (SimulatedMachine Machine, Recorder Reports) Boot(ulong seed)
    {
        var machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer, new MachineOptions(seed));
        var reports = new Recorder();
        var d0 = new HardwareDomainModel(new PassThrough(machine.Config), reports);
        var bridges = machine.Fabric.HostBridges;
        var found = d0.Scan(bridges.Select(h => (h.Segment, h.StartBus)));
        d0.EnableAcs(found);
        var pfs = d0.EnableVirtualFunctions(found);
        machine.EventLoop.RunFor(SimTime.FromMilliseconds(110));
        foreach (var pf in pfs) found.AddRange(d0.VirtualFunctionsOf(pf));
        d0.Report(bridges.Select(h => (h.EcamBase, h.Segment, h.StartBus, h.EndBus)), found, new SeededRandom(seed));
        return (machine, reports);
    }

    [Fact]
    public void The_ecam_walk_finds_every_function_of_the_machine_including_enabled_vfs()
    {
        var (machine, reports) = Boot(1);
        var expected = machine.Fabric.AllFunctions().Where(f => !f.Removed).Select(f => f.Address).Order().ToList();
        Assert.Equal(expected, reports.Added.Select(a => a.Device).Order().ToList());
        Assert.Equal(machine.Fabric.HostBridges.Count, reports.HostBridges);
        Assert.Equal(4, reports.Added.Count(a => a.Flags.HasFlag(PhysdevDeviceFlags.VirtualFunction)));
    }

    [Fact]
    public void Every_vf_is_reported_after_its_pf_with_the_pf_named()
    {
        var (machine, reports) = Boot(7);
        var order = reports.Added.Select(a => a.Device).ToList();
        foreach (var (vf, flags, pf) in reports.Added.Where(a => a.Flags.HasFlag(PhysdevDeviceFlags.VirtualFunction)))
        {
            Assert.NotNull(pf);
            Assert.Equal(machine.FunctionAt(vf).PhysicalFunction!.Address, pf);
            Assert.True(order.IndexOf(pf!.Value) < order.IndexOf(vf));
        }
    }

    [Fact]
    public void The_report_order_is_shuffled_by_the_seed_and_replayed_by_it()
    {
        var a = Boot(1).Reports.Added.Select(x => x.Device).ToList();
        var again = Boot(1).Reports.Added.Select(x => x.Device).ToList();
        var b = Boot(2).Reports.Added.Select(x => x.Device).ToList();
        Assert.Equal(a, again);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a.Order().ToList(), a);
    }

    [Fact]
    public void Acs_is_enabled_where_the_capability_offers_it()
    {
        var (machine, _) = Boot(1);
        var rp0 = machine["rp0"];
        int acs = CapabilityList.FindExtended(rp0.Config.Bytes, ExtendedCapabilityId.AccessControlServices)!.Value;
        uint capability = rp0.Config.ReadUInt16(acs + 4), control = rp0.Config.ReadUInt16(acs + 6);
        Assert.Equal(capability & 0x1Du, control & 0x1Du);
        Assert.NotEqual(0u, control & 0x1D);
    }
}
