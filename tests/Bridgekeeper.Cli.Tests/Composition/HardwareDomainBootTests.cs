using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Tests.Composition;

/// <summary>The hardware domain's boot as <c>simulate</c> runs it: ACS and SR-IOV enabled, the VF Enable delay, then the shuffled report.</summary>
public class HardwareDomainBootTests
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
        var d0 = new HardwareDomain(new PassThrough(machine.Config), reports, new SeededRandom(seed));
        var bridges = machine.Fabric.HostBridges.Select(h => (h.EcamBase, h.Segment, h.StartBus, h.EndBus)).ToList();
        Assert.Equal(1, d0.EnableAcsAndVirtualFunctions(bridges, vfsPerPf: 4));
        machine.EventLoop.RunFor(SimTime.FromMilliseconds(110));
        d0.Boot(bridges);
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
    public void Every_vf_is_reported_with_its_pf_named()
    {
        var (machine, reports) = Boot(7);
        var vfs = reports.Added.Where(a => a.Flags.HasFlag(PhysdevDeviceFlags.VirtualFunction)).ToList();
        Assert.NotEmpty(vfs);
        foreach (var (vf, _, pf) in vfs) Assert.Equal(machine.FunctionAt(vf).PhysicalFunction!.Address, pf);
    }

    [Fact]
    public void Vfs_get_the_requested_count_capped_by_total_vfs()
    {
        var (machine, _) = Boot(3);
        var pf = machine["cx5"];
        uint total = pf.Config.ReadUInt16(pf.SriovCapability + SriovCapability.TotalVfs);
        Assert.Equal(Math.Min(total, 4u), pf.Config.ReadUInt16(pf.SriovCapability + SriovCapability.NumVfs));
        Assert.NotEqual(0, pf.Config.ReadUInt16(pf.SriovCapability + SriovCapability.Control) & SriovCapability.VfEnable);
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
