using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

public class BuiltInPlatformTests
{
    private static readonly SimulatedMachine Machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    [Fact]
    public void Arm_server_has_two_segments_with_their_ecam_windows()
    {
        var hosts = Machine.Fabric.HostBridges;
        Assert.Equal(2, hosts.Count);
        Assert.Equal((0u, 0x40_0000_0000ul), (hosts[0].Segment, hosts[0].EcamBase));
        Assert.Equal((1u, 0x60_0000_0000ul), (hosts[1].Segment, hosts[1].EcamBase));
        Assert.Equal(2, Machine.Firmware.McfgAllocations.Length);
    }

    [Fact]
    public void Boot_firmware_numbers_buses_depth_first()
    {
        string Addr(string n) => Machine[n].Address.ToString();
        Assert.Equal("0000:00:01.0", Addr("rp0"));
        Assert.Equal("0000:01:00.0", Addr("usp"));
        Assert.Equal("0000:02:00.0", Addr("dsp0"));
        Assert.Equal("0000:03:00.0", Addr("nvme0"));
        Assert.Equal("0000:04:00.0", Addr("nvme1"));
        Assert.Equal("0000:05:00.0", Addr("nic2"));
        Assert.Equal("0000:05:00.1", Addr("nic2.1"));
        Assert.Equal("0000:06:00.0", Addr("cx5"));
        Assert.Equal("0000:07:00.0", Addr("pcibridge"));
        Assert.Equal("0000:08:04.0", Addr("legacy-nic"));
        Assert.Equal("0000:00:1e.0", Addr("zip"));
        Assert.Equal("0001:01:00.0", Addr("nvme10"));
        var rp0 = Machine["rp0"].Config;
        Assert.Equal((0, 1, 5), (rp0.ReadByte(0x18), rp0.ReadByte(0x19), rp0.ReadByte(0x1A)));
        // The empty hot-plug port keeps spare buses.
        var rp3 = Machine["rp3"].Config;
        Assert.Equal(rp3.ReadByte(0x19) + 1, rp3.ReadByte(0x1A));
    }

    [Fact]
    public void Every_bar_lies_inside_its_host_bridge_window_and_inside_each_bridge_window_above()
    {
        Assert.NotEmpty(Machine.Boot!.Placements);
        foreach (var (f, offset, address, size) in Machine.Boot.Placements)
        {
            var host = f.Bus!.HostBridge;
            bool in32 = address >= host.Mmio32Base && address + size <= host.Mmio32Base + host.Mmio32Size;
            bool in64 = address >= host.Mmio64Base && address + size <= host.Mmio64Base + host.Mmio64Size;
            Assert.True(in32 || in64, $"{f.Name} BAR at 0x{offset:x} = 0x{address:x} outside the windows");
            ulong alignment = 1ul << System.Numerics.BitOperations.Log2(size); // VF BARs: aligned to one VF's size
            Assert.Equal(0ul, address % Math.Min(alignment, 1ul << 20));
            for (var b = f.UpstreamBridge; b is not null; b = b.UpstreamBridge)
            {
                var c = b.Config;
                ulong memBase = (ulong)(c.ReadUInt16(0x20) & 0xFFF0) << 16, memLimit = ((ulong)(c.ReadUInt16(0x22) & 0xFFF0) << 16) | 0xFFFFF;
                ulong prefBase = (ulong)(c.ReadUInt16(0x24) & 0xFFF0) << 16 | (ulong)c.ReadUInt32(0x28) << 32;
                ulong prefLimit = ((ulong)(c.ReadUInt16(0x26) & 0xFFF0) << 16 | 0xFFFFF) | (ulong)c.ReadUInt32(0x2C) << 32;
                bool inside = (address >= memBase && address + size - 1 <= memLimit) || (address >= prefBase && address + size - 1 <= prefLimit);
                Assert.True(inside, $"{f.Name} BAR 0x{address:x} not inside {b.Name}'s windows");
            }
        }
    }

    [Fact]
    public void Bar_sizing_by_writing_all_ones_reads_back_the_size()
    {
        var nvme = Machine["nvme0"].Address;
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        m.Config.Write(nvme, 0x10, 4, 0xFFFF_FFFF);
        m.Config.Write(nvme, 0x14, 4, 0xFFFF_FFFF);
        ulong mask = m.Config.Read(nvme, 0x10, 4) & 0xFFFF_FFF0u | (ulong)m.Config.Read(nvme, 0x14, 4) << 32;
        Assert.Equal(0x8000ul, ~mask + 1);
        Assert.Equal(0x4u, m.Config.Read(nvme, 0x10, 4) & 0xF); // 64-bit memory, not prefetchable
    }

    [Theory]
    [InlineData("rp0", 0x1DEF, 0xE101)]
    [InlineData("usp", 0x10B5, 0x8747)]
    [InlineData("nvme0", 0x144D, 0xA80A)]
    [InlineData("nic2", 0x14E4, 0x16D8)]
    [InlineData("cx5", 0x15B3, 0x1017)]
    [InlineData("pcibridge", 0x1B21, 0x1080)]
    [InlineData("legacy-nic", 0x8086, 0x100E)]
    [InlineData("nvme10", 0x8086, 0x0B60)]
    public void Devices_answer_with_their_real_ids_through_ecam(string name, int vendor, int device)
    {
        var f = Machine[name];
        var host = f.Bus!.HostBridge;
        ulong ecam = host.EcamBase + ((ulong)(f.Address.Bus - host.StartBus) << 20) + ((ulong)f.Address.DevFn << 12);
        Assert.Equal((uint)(vendor | device << 16), Machine.Fabric.ReadEcam(ecam, 4));
    }

    [Fact]
    public void Capabilities_follow_the_parts()
    {
        bool Has(string n, ExtendedCapabilityId id) => CapabilityList.FindExtended(Machine[n].Config.Bytes, id) is not null;
        Assert.True(Has("rp0", ExtendedCapabilityId.AccessControlServices));
        Assert.False(Has("rp2", ExtendedCapabilityId.AccessControlServices));
        Assert.True(Has("dsp0", ExtendedCapabilityId.AccessControlServices));
        Assert.False(Has("nic2", ExtendedCapabilityId.AccessControlServices));
        Assert.False(Has("nic2.1", ExtendedCapabilityId.AccessControlServices));
        Assert.True(Has("cx5", ExtendedCapabilityId.SingleRootIov));
        Assert.True(Has("nvme0", ExtendedCapabilityId.DeviceSerialNumber));
        Assert.True(Has("nvme10", ExtendedCapabilityId.ReadinessTimeReporting));
        Assert.True(Has("rp0", ExtendedCapabilityId.AdvancedErrorReporting));
        Assert.Equal(PciePortType.RCiEP, Machine["zip"].PortType);
        Assert.Equal(PciePortType.RCEC, Machine["rcec"].PortType);
        Assert.False(Machine["legacy-nic"].IsPcie);
        Assert.Equal(ConfigSpace.ConventionalSize, Machine["legacy-nic"].Config.Size);
        Assert.Equal(1, Machine["zip"].Config.ReadUInt16(0x06) & 1); // Immediate Readiness
    }

    [Fact]
    public void Unimplemented_functions_and_buses_read_all_ones()
    {
        Assert.Equal(0xFFFF_FFFFu, Machine.Config.Read(new Sbdf(0, 0, 7, 0), 0, 4));
        Assert.Equal(0xFFFFu, Machine.Config.Read(new Sbdf(0, 0x50, 0, 0), 0, 2));
        Assert.Equal(0xFFu, Machine.Config.Read(new Sbdf(2, 0, 0, 0), 0, 1));
        // §7.3.1: below a downstream port only device 0 answers.
        Assert.Equal(0xFFFF_FFFFu, Machine.Config.Read(new Sbdf(0, 3, 1, 0), 0, 4));
    }

    [Fact]
    public void The_extended_space_of_a_conventional_function_reads_all_ones()
    {
        Assert.Equal(0xFFFF_FFFFu, Machine.Config.Read(Machine["legacy-nic"].Address, 0x100, 4));
    }

    [Fact]
    public void Firmware_first_is_described_for_the_port_hest_names()
    {
        var hest = Machine.Firmware.HestSources;
        Assert.Contains(hest, s => s.Kind == HestSourceKind.AerRootPort && s.FirmwareFirst && s.Bus == 0 && s.DevFn == 3 << 3);
        Assert.Contains(hest, s => s.Kind == HestSourceKind.GhesV2 && s.NotifyType == 10 && s.Vector == 120);
        Assert.Equal(1ul, Machine.Memory.ReadUInt64(0x80000008)); // read-ack armed at boot
        Assert.Equal(0x80001000ul, Machine.Memory.ReadUInt64(0x80000000));
    }

    [Fact]
    public void Iort_maps_requester_ids_of_each_segment_to_its_stream_id_range()
    {
        Assert.Equal(0x0300u, Machine.StreamIdOf(Machine["nvme0"].Address));
        Assert.Equal(0x10100u, Machine.StreamIdOf(Machine["nvme10"].Address));
        Assert.Equal(0x10100u, Machine.DeviceIdOf(Machine["nvme10"].Address));
    }
}
