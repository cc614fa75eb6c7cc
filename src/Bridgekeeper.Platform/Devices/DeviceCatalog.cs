using System.Collections.Frozen;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Caps = Bridgekeeper.Platform.StandardCapabilities;

namespace Bridgekeeper.Platform;

/// <summary>
/// The device models the platform file can name. IDs are the real parts' (Ampere Altra root ports,
/// Broadcom/PLX PEX 8747 switch, Samsung PM9A3 and Intel D7-P5510 NVMe, Broadcom BCM57416 NIC,
/// NVIDIA/Mellanox ConnectX-5, ASMedia ASM1083 bridge, Intel 82540EM, HiSilicon Kunpeng ZIP engine);
/// capabilities are those such parts expose, laid out by <see cref="StandardCapabilities"/>. The RCEC's
/// device ID is a model value (Altra's RCEC is not publicly documented).
/// </summary>
public static class DeviceCatalog
{
    private const uint ClassBridgePci = 0x060400;
    private const uint ClassBridgeSubtractive = 0x060401;
    private const uint ClassNvme = 0x010802;
    private const uint ClassEthernet = 0x020000;
    private const uint ClassRcec = 0x080700;
    private const uint ClassProcessingAccelerator = 0x120000;

    /// <summary>ACS capability of the Altra root ports and PEX 8747 downstream ports: SV, TB, RR, CR, UF, DT (§7.7.11.2).</summary>
    public const ushort PortAcs = 0x005F;

    /// <summary>FRS Queue Max Depth of a model Root Port or RCEC with <c>frs: true</c> (§7.8.10.2; a model value).</summary>
    public const int FrsQueueDepth = 8;

    private static readonly FrozenDictionary<string, Func<DeviceOptions, DeviceModel>> Models =
        new Dictionary<string, Func<DeviceOptions, DeviceModel>>
        {
            ["ampere-altra-root-port"] = AltraRootPort,
            ["pex8747-upstream"] = SwitchUpstream,
            ["pex8747-downstream"] = SwitchDownstream,
            ["samsung-pm9a3"] = o => Nvme("samsung-pm9a3", 0x144D, 0xA80A, 0x144D, 0xA812, o),
            ["intel-p5510"] = o => Nvme("intel-p5510", 0x8086, 0x0B60, 0x8086, 0x8008, o),
            ["broadcom-bcm57416"] = Bcm57416,
            ["mellanox-connectx5"] = ConnectX5,
            ["asmedia-asm1083"] = Asm1083,
            ["intel-82540em"] = Intel82540,
            ["hisilicon-zip"] = HisiliconZip,
            ["rcec"] = EventCollector,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Names => Models.Keys.Order(StringComparer.Ordinal);

    public static bool TryCreate(string name, DeviceOptions options, out DeviceModel? model)
    {
        model = Models.TryGetValue(name, out var make) ? make(options) : null;
        return model is not null;
    }

    private static FunctionReadiness Timing(DeviceOptions o, FunctionReadiness model) => o.Readiness ?? model;

    private static void Readiness(ConfigSpaceBuilder b, DeviceOptions o)
    {
        if (o.ImmediateReadiness) b.ImmediateReadiness();
        // PMCSR No_Soft_Reset (§7.5.2.2): when clear, D3hot→D0 resets the function.
        if (!o.NoSoftReset && CapabilityList.FindStandard(b.Bytes, CapabilityId.PowerManagement) is int pm)
            b.U16(pm + PowerManagementCapability.ControlStatus, 0);
        if (o.ReportedReadiness is { } r) Caps.ReadinessTimes(b, r.ResetNs, r.DlUpNs, r.FlrNs, SimTime.FromMilliseconds(10).Nanoseconds);
    }

    private static DeviceModel AltraRootPort(DeviceOptions o) => new("ampere-altra-root-port", "Ampere Altra PCIe root port (Gen4 x16)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 1).Ids(0x1DEF, 0xE101, 0x04, ClassBridgePci).InterruptPin(1);
            Caps.PowerManagement(b);
            Caps.Msi(b, 0);
            Caps.PciExpress(b, PciePortType.RootPort, 4, 16, slot: o.Slot is not null, slotNumber: o.Slot ?? 0, portNumber: o.PortNumber, ari: true, drs: o.Drs, frs: o.Frs);
            Caps.Aer(b, root: true);
            if (o.Acs ?? true) Caps.Acs(b, PortAcs);
            if (o.Frs) Caps.FrsQueueing(b, FrsQueueDepth);
            return b.Build();
        }, Timing(o, FunctionReadiness.SpecDefault)),
    ]);

    private static DeviceModel SwitchUpstream(DeviceOptions o) => new("pex8747-upstream", "Broadcom/PLX PEX 8747 upstream port (Gen3 x16)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 1).Ids(0x10B5, 0x8747, 0xCA, ClassBridgePci);
            Caps.PowerManagement(b);
            Caps.Msi(b, 0);
            Caps.PciExpress(b, PciePortType.UpstreamPort, 3, 16, drs: o.Drs, frs: o.Frs);
            Caps.Aer(b, root: false);
            Caps.Dsn(b, o.Serial);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(20), SimTime.FromMilliseconds(20), SimTime.Zero))),
    ]);

    private static DeviceModel SwitchDownstream(DeviceOptions o) => new("pex8747-downstream", "Broadcom/PLX PEX 8747 downstream port (Gen3 x16)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 1).Ids(0x10B5, 0x8747, 0xCA, ClassBridgePci);
            Caps.PowerManagement(b);
            Caps.Msi(b, 0);
            Caps.PciExpress(b, PciePortType.DownstreamPort, 3, 16, slot: true, slotNumber: o.Slot ?? 0, portNumber: o.PortNumber, ari: true, drs: o.Drs, frs: o.Frs);
            Caps.Aer(b, root: false);
            if (o.Acs ?? true) Caps.Acs(b, PortAcs);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(20), SimTime.FromMilliseconds(20), SimTime.Zero))),
    ]);

    private static DeviceModel Nvme(string name, ushort vendor, ushort device, ushort subVendor, ushort subDevice, DeviceOptions o) =>
        new(name, $"NVMe SSD {vendor:x4}:{device:x4} (Gen4 x4)",
        [
            new(0, () =>
            {
                var b = new ConfigSpaceBuilder(true, 0).Ids(vendor, device, 0x00, ClassNvme).Subsystem(subVendor, subDevice).InterruptPin(1)
                    .MemoryBar(0, 0x8000, is64: true, prefetchable: false);
                Caps.PowerManagement(b);
                Caps.Msi(b, 5);
                Caps.PciExpress(b, PciePortType.Endpoint, 4, 4, flr: true, drs: o.Drs, frs: o.Frs);
                Caps.Msix(b, 64, 0, 0x3000, 0x2000);
                Caps.Aer(b, root: false);
                Caps.Dsn(b, o.Serial);
                Readiness(b, o);
                return b.Build();
            }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(60), SimTime.FromMilliseconds(40), SimTime.Zero))),
        ]);

    private static DeviceModel Bcm57416(DeviceOptions o)
    {
        FunctionModel Port(int fn) => new(fn, () =>
        {
            var b = new ConfigSpaceBuilder(true, 0).Ids(0x14E4, 0x16D8, 0x01, ClassEthernet).Subsystem(0x14E4, 0x4163).MultiFunction().InterruptPin(1)
                .MemoryBar(0, 0x10000, is64: true, prefetchable: true)
                .MemoryBar(2, 0x10000, is64: true, prefetchable: true)
                .MemoryBar(4, 0x2000, is64: true, prefetchable: true);
            Caps.PowerManagement(b);
            Caps.Msi(b, 3);
            Caps.PciExpress(b, PciePortType.Endpoint, 3, 8, flr: true, drs: o.Drs, frs: o.Frs);
            Caps.Msix(b, 74, 4, 0x0000, 0x1000);
            Caps.Aer(b, root: false);
            Caps.Dsn(b, o.Serial);
            Readiness(b, o);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(80), SimTime.FromMilliseconds(50), SimTime.Zero)));
        // No ACS capability on either function: Linux (and the hypervisor) must assume peer-to-peer between them.
        return new("broadcom-bcm57416", "Broadcom BCM57416 NetXtreme-E dual-port 10GBASE-T (two functions, no ACS)", [Port(0), Port(1)]);
    }

    private static DeviceModel ConnectX5(DeviceOptions o) => new("mellanox-connectx5", "NVIDIA/Mellanox ConnectX-5 with SR-IOV (4 VFs)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 0).Ids(0x15B3, 0x1017, 0x00, ClassEthernet).Subsystem(0x15B3, 0x0007).InterruptPin(1)
                .MemoryBar(0, 0x200_0000, is64: true, prefetchable: true);
            Caps.PowerManagement(b);
            Caps.PciExpress(b, PciePortType.Endpoint, 3, 16, flr: true, drs: o.Drs, frs: o.Frs);
            Caps.Msix(b, 64, 0, 0x2000, 0x3000);
            Caps.Aer(b, root: false);
            Caps.Dsn(b, o.Serial);
            Caps.Ari(b, 0);
            Caps.Sriov(b, totalVfs: 4, firstOffset: 1, stride: 1, vfDeviceId: 0x1018, vfBar0Size: 0x10_0000);
            Readiness(b, o);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(90), SimTime.FromMilliseconds(50), SimTime.FromMilliseconds(100))), ConnectX5Vf),
    ]);

    // §9.3.4.1.1: a VF's Vendor ID and Device ID read 0xFFFF; its BARs live in the PF's SR-IOV capability.
    private static ConfigSpace ConnectX5Vf(int n)
    {
        var b = new ConfigSpaceBuilder(true, 0).Ids(0xFFFF, 0xFFFF, 0x00, ClassEthernet).Subsystem(0x15B3, 0x0007);
        Caps.PciExpress(b, PciePortType.Endpoint, 3, 16, flr: true);
        Caps.Msix(b, 16, 0, 0x2000, 0x3000);
        Caps.Ari(b, 0);
        return b.Build();
    }

    private static DeviceModel Asm1083(DeviceOptions o) => new("asmedia-asm1083", "ASMedia ASM1083 PCIe-to-PCI bridge (Gen1 x1)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 1).Ids(0x1B21, 0x1080, 0x04, ClassBridgeSubtractive);
            Caps.Msi(b, 0, is64: true, masking: false);
            Caps.PowerManagement(b);
            Caps.PciExpress(b, PciePortType.PcieToPciBridge, 1, 1, drs: o.Drs, frs: o.Frs);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(10), SimTime.FromMilliseconds(10), SimTime.Zero))),
    ]);

    private static DeviceModel Intel82540(DeviceOptions o) => new("intel-82540em", "Intel 82540EM Gigabit Ethernet (conventional PCI)",
    [
        new(0, () =>
        {
            // BAR0: 128 KiB register memory; BAR2: the 8-byte IOADDR/IODATA I/O window (8254x
            // Developer's Manual §4.1; BAR1, the optional Flash window, is disabled by the EEPROM).
            var b = new ConfigSpaceBuilder(false, 0).Ids(0x8086, 0x100E, 0x02, ClassEthernet).Subsystem(0x8086, 0x001E).InterruptPin(1)
                .MemoryBar(0, 0x20000, is64: false, prefetchable: false)
                .IoBar(2, 8);
            Caps.PowerManagement(b);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(50), SimTime.FromMilliseconds(50), SimTime.Zero))),
    ]);

    private static DeviceModel HisiliconZip(DeviceOptions o) => new("hisilicon-zip", "HiSilicon Kunpeng 920 ZIP engine (root-complex integrated endpoint)",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 0).Ids(0x19E5, 0xA250, 0x21, ClassProcessingAccelerator).Subsystem(0x19E5, 0x0000)
                .MemoryBar(2, 0x40_0000, is64: true, prefetchable: true);
            Caps.PciExpress(b, PciePortType.RCiEP, 0, 0, flr: true, frs: o.Frs);
            Caps.Msix(b, 32, 2, 0x1000, 0x2000);
            Caps.PowerManagement(b, immediateOnD0: true);
            Caps.Aer(b, root: false);
            Readiness(b, o);
            return b.Build();
        }, Timing(o, new FunctionReadiness(SimTime.FromMilliseconds(10), SimTime.FromMilliseconds(10), SimTime.Zero))),
    ]);

    private static DeviceModel EventCollector(DeviceOptions o) => new("rcec", "Root Complex Event Collector",
    [
        new(0, () =>
        {
            var b = new ConfigSpaceBuilder(true, 0).Ids(0x1DEF, 0xE10F, 0x00, ClassRcec);
            Caps.Msi(b, 0);
            Caps.PciExpress(b, PciePortType.RCEC, 0, 0, frs: o.Frs);
            Caps.Aer(b, root: true);
            Caps.EventCollectorAssociation(b, 0xFFFF_FFFF);
            if (o.Frs) Caps.FrsQueueing(b, FrsQueueDepth);
            return b.Build();
        }, Timing(o, FunctionReadiness.SpecDefault)),
    ]);

}
