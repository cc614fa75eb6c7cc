using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// Rebuilds a machine from captured config spaces (lspci -xxxx, sysfs): one host bridge per
/// segment whose root bus is the lowest bus no bridge claims, and every other function under the
/// bridge whose Secondary Bus Number names its bus. Registers stay exactly as captured, reporting
/// enables included; root ports get wired SPIs from 64 up in address order.
/// </summary>
internal static class MachineCloner
{
    public const uint FirstRootPortSpi = 64;

    public static SimulatedMachine Clone(IEnumerable<ClonedFunction> input, MachineOptions options)
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
        machine.PublishTables([]);
        return machine;
    }
}
