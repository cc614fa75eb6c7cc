using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

public class HardwareDomainTests
{
    private static (SimulatedMachine Machine, RecordingPhysdev Physdev, HardwareDomain Domain) Boot(ulong seed, bool enableVfs)
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        if (enableVfs)
        {
            var pf = m["cx5"];
            m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.NumVfs, 2, 4);
            m.Config.Write(pf.Address, pf.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable);
            m.EventLoop.RunUntilIdle();
        }
        var physdev = new RecordingPhysdev();
        var domain = new HardwareDomain(new PassThrough(m.Config), physdev, new SeededRandom(seed));
        domain.Boot(m.Firmware.McfgAllocations.Select(a => (a.EcamBase, (uint)a.Segment, a.StartBus, a.EndBus)));
        return (m, physdev, domain);
    }

    [Fact]
    public void The_scan_reports_every_function_of_the_fabric_once_and_the_host_bridges_first()
    {
        var (m, physdev, _) = Boot(7, enableVfs: false);
        var expected = m.Fabric.AllFunctions().Select(f => f.Address).Order().ToList();
        Assert.Equal(expected, physdev.Devices.Select(d => d.Device).Order().ToList());
        Assert.Equal(2, physdev.HostBridges.Count);
        Assert.Equal(0, physdev.FirstDeviceIndex - physdev.HostBridges.Count);
    }

    [Fact]
    public void Vfs_are_reported_with_their_pf()
    {
        var (m, physdev, _) = Boot(7, enableVfs: true);
        var vfs = physdev.Devices.Where(d => d.Flags.HasFlag(PhysdevDeviceFlags.VirtualFunction)).ToList();
        Assert.Equal(4, vfs.Count);
        Assert.All(vfs, v => Assert.Equal(m["cx5"].Address, v.Pf));
    }

    [Fact]
    public void The_report_order_is_shuffled_by_the_seed_and_reproducible()
    {
        var a = Boot(7, false).Physdev.Devices.Select(d => d.Device).ToList();
        var b = Boot(7, false).Physdev.Devices.Select(d => d.Device).ToList();
        var c = Boot(8, false).Physdev.Devices.Select(d => d.Device).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a.Order().ToList());
    }

    private sealed class PassThrough(IConfigAccess config) : IHypervisorEntry
    {
        public uint ConfigRead(DomainId domain, Sbdf device, int offset, int size) => config.Read(device, offset, size);

        public void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value) => config.Write(device, offset, size, value);

        public void Reply(DomainId domain, long requestId, RecoveryVote vote) { }

        public void Quiesced(DomainId domain, Sbdf virtualDevice) { }
    }

    private sealed class RecordingPhysdev : IPhysdevOps
    {
        private int _calls;

        public List<uint> HostBridges { get; } = [];

        public List<(Sbdf Device, PhysdevDeviceFlags Flags, Sbdf? Pf)> Devices { get; } = [];

        public int FirstDeviceIndex { get; private set; } = -1;

        public PhysdevResult ReportHostBridge(ulong ecamBase, uint segment, byte startBus, byte endBus)
        {
            _calls++;
            HostBridges.Add(segment);
            return PhysdevResult.Ok;
        }

        public PhysdevResult ReportDeviceAdd(Sbdf device, PhysdevDeviceFlags flags, Sbdf? physicalFunction, int? proximityDomain)
        {
            if (FirstDeviceIndex < 0) FirstDeviceIndex = _calls;
            _calls++;
            Devices.Add((device, flags, physicalFunction));
            return PhysdevResult.Ok;
        }

        public PhysdevResult ReportDeviceRemove(Sbdf device) => PhysdevResult.Ok;

        public PhysdevResult ReportDeviceReset(Sbdf device) => PhysdevResult.Ok;
    }
}
