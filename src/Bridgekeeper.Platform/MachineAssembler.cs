using System.Collections.Concurrent;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>Turns a platform description into a booted machine: devices from the catalog (or cloned dumps), boot enumeration, firmware tables.</summary>
internal sealed class MachineAssembler(PlatformDescription description, MachineOptions options)
{
    private readonly SimulatedMachine _machine = SimulatedMachine.Empty(description.Name, options);
    private readonly List<SimFunction> _placed = [];

    /// <summary>Every function placed, in placement order (what a <see cref="MachineTemplate"/> replays).</summary>
    public IReadOnlyList<SimFunction> Placed => _placed;

    public SimulatedMachine Assemble()
    {
        foreach (var h in description.HostBridges)
        {
            var host = HostBridgeOf(h, description);
            _machine.Fabric.AddHostBridge(host);
            foreach (var d in h.Devices) Place(host.RootBus, d);
        }
        var boot = new BootEnumerator(_machine.Fabric);
        boot.Run();
        _machine.Intx.ProgramInterruptLines();
        _machine.SetBoot(boot);
        _machine.PublishTables(HestSources());
        return _machine;
    }

    public static SimHostBridge HostBridgeOf(HostBridgeDescription h, PlatformDescription description) =>
        new(h.Name, h.Segment, h.EcamBase, h.StartBus, h.EndBus)
        {
            Mmio32Base = h.Mmio32Base, Mmio32Size = h.Mmio32Size, Mmio64Base = h.Mmio64Base, Mmio64Size = h.Mmio64Size, IoBase = h.IoBase, IoSize = h.IoSize,
            StreamIdBase = h.StreamIdBase, DeviceIdBase = h.DeviceIdBase, IntxSpiBase = h.IntxSpiBase,
            FirmwareFirst = description.FirmwareFirst?.Global ?? false,
        };

    private void Place(SimBus bus, DeviceDescription d)
    {
        IReadOnlyList<FunctionModel> functions;
        if (d.CloneFrom is { } path)
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length is not (ConfigSpace.ConventionalSize or ConfigSpace.ExtendedSize))
                throw new PlatformFormatException(path, 0, "clone", $"a config dump is 256 or 4096 bytes, not {bytes.Length}");
            functions = [new FunctionModel(d.Function, () => ConfigSpace.FromContent(bytes), d.Options.Readiness ?? FunctionReadiness.SpecDefault)];
        }
        else
        {
            functions = Templates.GetOrAdd((d.Model, d.Options), static key =>
            {
                DeviceCatalog.TryCreate(key.Model, key.Options, out var model);
                return [.. model!.Functions.Select(Templated)];
            });
        }
        SimFunction? first = null;
        foreach (var fm in functions)
        {
            int fn = d.CloneFrom is null ? fm.Function : d.Function;
            var f = new SimFunction(fn == 0 || d.CloneFrom is not null ? d.Name : $"{d.Name}.{fn}", fm.Config(), fm.Readiness)
            {
                VirtualFunctionConfig = fm.VirtualFunction,
                WiredInterrupt = fn == 0 ? d.Spi : null,
                LinkTrainingTime = d.LinkTraining,
                FirmwareFirst = d.FirmwareFirst,
            };
            bus.Attach(f, d.Device << 3 | fn);
            _machine.Register(f.Name, f);
            _placed.Add(f);
            if (f.IsBridge) f.SecondaryBus = new SimBus(bus.HostBridge, f);
            first ??= f;
        }
        foreach (var child in d.Children)
        {
            if (first?.SecondaryBus is null) throw new PlatformFormatException(description.Name, child.Line, "children", $"{d.Name} is not a bridge");
            Place(first.SecondaryBus, child);
        }
    }

    // Built config spaces per catalog model and options. Compiling a layout is most of the cost of
    // assembling a machine, and DeviceCatalog.TryCreate is a pure function of the model's name and its
    // options (records with value equality), so every device with the same pair, in any description,
    // starts from clones of one template per function. A campaign's few hundred drawn platforms share
    // a few dozen such pairs.
    private static readonly ConcurrentDictionary<(string Model, DeviceOptions Options), FunctionModel[]> Templates = new();

    private static FunctionModel Templated(FunctionModel fm)
    {
        var config = fm.Config();
        Func<int, ConfigSpace>? vf = null;
        if (fm.VirtualFunction is { } makeVf)
        {
            var vfs = new ConcurrentDictionary<int, ConfigSpace>();
            vf = n => vfs.GetOrAdd(n, makeVf).CloneSharingDefaults(); // the cached VF space is only ever copied
        }
        return fm with { Config = config.Clone, VirtualFunction = vf };
    }

    private IEnumerable<HestErrorSource> HestSources()
    {
        var ff = description.FirmwareFirst;
        if (ff is null) yield break;
        foreach (var f in _machine.Fabric.AllFunctions())
        {
            if (f.PortType != PciePortType.RootPort || !(f.FirmwareFirst || ff.Global)) continue;
            var a = f.Address;
            yield return new HestErrorSource((ushort)(0x100 + a.RequesterId.Value), HestSourceKind.AerRootPort, true, ff.Global, a.Segment, a.Bus, a.DevFn, 0, 0, 0, 0, 0);
            if (ff.Global) break; // one global entry covers every root port (ACPI 6.5 §18.3.2.4, GLOBAL flag)
        }
        foreach (var g in ff.Sources)
        {
            SimFunction? port = g.RootPort is null ? null : _machine[g.RootPort];
            _machine.FirmwareFirst.Sources.Add(new GhesSource(g, port));
            yield return new HestErrorSource(g.SourceId, g.Version == 2 ? HestSourceKind.GhesV2 : HestSourceKind.Ghes, false, false, 0, 0, 0,
                g.NotifyType, g.Vector, g.StatusAddressRegister, g.BlockLength, g.ReadAckRegister);
        }
    }
}
