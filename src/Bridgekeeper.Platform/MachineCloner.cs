using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// Rebuilds a machine from captured config spaces (lspci -xxxx, sysfs): one host bridge per
/// segment whose root bus is the lowest bus no bridge claims, and every other function under the
/// bridge whose Secondary Bus Number names its bus. Registers stay exactly as captured, reporting
/// enables included; root ports get wired SPIs from 64 up in address order.
/// A dump carries no ACPI tables, so the clone's boot firmware writes its own HEST: with
/// <c>firmwareFirst</c>, every root port is FIRMWARE_FIRST (an AER root port entry each, ACPI 6.5
/// §18.3.2.4) and has its own GHESv2 source (§18.3.2.8) notified by GSIV at SPI
/// <see cref="FirstGhesSpi"/> + k for the k-th root port in address order, its status-address
/// register, read-ack register and 4 KiB error status block in an 8 KiB slot at
/// <see cref="GhesRegion"/> + k × 0x2000 (register at +0, read-ack at +8, block at +0x1000).
/// Without it (OS-first, as the captured Linux ran it) the HEST is empty.
/// </summary>
internal static class MachineCloner
{
    public const uint FirstRootPortSpi = 64;
    public const uint FirstGhesSpi = 480;
    public const ulong GhesRegion = 0x8000_0000;
    public const ulong GhesSlot = 0x2000;

    public static SimulatedMachine Clone(IEnumerable<ClonedFunction> input, MachineOptions options, bool firmwareFirst = false)
    {
        var machine = SimulatedMachine.Empty("clone", options);
        var all = input.OrderBy(f => f.Address).ToList();
        uint spi = FirstRootPortSpi;
        foreach (var segment in all.GroupBy(f => f.Address.Segment).OrderBy(g => g.Key))
        {
            var functions = segment.ToList();
            var secondaryBuses = new HashSet<byte>();
            foreach (var f in functions)
                if (ConfigBytes.HeaderType(f.Config.Bytes) == 1) secondaryBuses.Add(f.Config.Bytes[ConfigHeader.SecondaryBus]);
            byte rootBus = byte.MaxValue;
            foreach (var f in functions)
                if (!secondaryBuses.Contains(f.Address.Bus) && f.Address.Bus < rootBus) rootBus = f.Address.Bus;
            var host = new SimHostBridge($"pci{segment.Key:x4}", segment.Key, (ulong)(segment.Key + 1) << 32, rootBus, 0xFF)
            {
                StreamIdBase = segment.Key << 16, DeviceIdBase = segment.Key << 16,
            };
            machine.Fabric.AddHostBridge(host);
            var busOf = new Dictionary<byte, SimBus> { [rootBus] = host.RootBus };
            var made = new List<(ClonedFunction Source, SimFunction Function)>();
            foreach (var c in functions)
            {
                var f = new SimFunction(c.Address.ToString(), c.Config, FunctionReadiness.SpecDefault);
                if (f.IsBridge)
                {
                    f.SecondaryBus = new SimBus(host, f);
                    busOf[c.Config.Bytes[ConfigHeader.SecondaryBus]] = f.SecondaryBus;
                }
                if (f.PortType == PciePortType.RootPort) f.WiredInterrupt = spi++;
                made.Add((c, f));
            }
            foreach (var (c, f) in made)
            {
                if (!busOf.TryGetValue(c.Address.Bus, out var bus))
                    throw new InvalidOperationException($"{c.Address}: no bridge in the dump has bus {c.Address.Bus:x2} as its secondary bus");
                bus.Attach(f, c.Address.DevFn);
                machine.Register(f.Name, f);
            }
            foreach (var (c, f) in made)
            {
                if (c.PhysicalFunction is not { } pf) continue;
                foreach (var (c2, f2) in made)
                    if (c2.Address == pf) { f.PhysicalFunction = f2; f2.VirtualFunctions.Add(f); }
            }
        }
        machine.PublishTables(firmwareFirst ? FirmwareFirstHest(machine) : []);
        return machine;
    }

    private static List<HestErrorSource> FirmwareFirstHest(SimulatedMachine machine)
    {
        var hest = new List<HestErrorSource>();
        int k = 0;
        foreach (var port in machine.Fabric.AllFunctions().Where(f => f.PortType == PciePortType.RootPort).OrderBy(f => f.Address))
        {
            var a = port.Address;
            port.FirmwareFirst = true;
            hest.Add(new HestErrorSource((ushort)(0x100 + k), HestSourceKind.AerRootPort, true, false, a.Segment, a.Bus, a.DevFn, 0, 0, 0, 0, 0));
            ulong slot = GhesRegion + (ulong)k * GhesSlot;
            var ghes = new GhesSourceDescription((ushort)(k + 1), port.Name, 10 /* GSIV, ACPI 6.5 Table 18.14 */, FirstGhesSpi + (uint)k, 2,
                StatusAddressRegister: slot, BlockAddress: slot + 0x1000, BlockLength: 0x1000, ReadAckRegister: slot + 8);
            machine.FirmwareFirst.Sources.Add(new GhesSource(ghes, port));
            hest.Add(new HestErrorSource(ghes.SourceId, HestSourceKind.GhesV2, false, false, 0, 0, 0, ghes.NotifyType, ghes.Vector,
                ghes.StatusAddressRegister, ghes.BlockLength, ghes.ReadAckRegister));
            k++;
        }
        return hest;
    }
}
