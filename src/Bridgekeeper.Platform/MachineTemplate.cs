using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// A machine as boot firmware leaves it, captured once per <see cref="PlatformDescription"/>: every
/// function's place (host bridge or parent bridge, devfn, name, properties), its config space after bus
/// numbering, BAR placement and interrupt lines, where boot put each BAR, and the encoded firmware tables.
/// <para>
/// Assembly is a pure function of the description: the assembler and boot firmware read no clock and no
/// random source and only write config spaces; of the <see cref="MachineOptions"/> only the table writer
/// reaches it (the seed, header-log order, quirks and record writer wire the engines the machine's
/// constructor builds), so a template is used only with the default writer. A campaign builds thousands
/// of machines from a few hundred descriptions; each starts from a copy of the template instead of a
/// fresh boot. Every instance gets its own mutable state — config bytes (clones of the template's
/// spaces, which nothing writes; their reset defaults are read from the template until the instance
/// changes one, <see cref="ConfigSpace.CloneSharingDefaults"/>), functions, buses, GHES sources, memory — and shares only
/// immutable values (descriptions, frozen attribute masks, readiness records, the tables' bytes, the VF
/// config factories that hand out clones). Tests compare an instance with a fresh assembly field by field.
/// </para>
/// </summary>
internal sealed class MachineTemplate
{
    private static readonly ConditionalWeakTable<PlatformDescription, MachineTemplate> Templates = new();

    private readonly PlatformDescription _description;
    private readonly FunctionTemplate[] _functions;
    private readonly (int Function, int Offset, ulong Address, ulong Size)[] _placements;
    private readonly (int Function, int Offset, ulong Address, ulong Size)[] _ioPlacements;
    private readonly (int Function, int Offset, ulong Size)[] _unassigned;
    private readonly PublishedTables _tables;

    private MachineTemplate(PlatformDescription description, SimulatedMachine booted, IReadOnlyList<SimFunction> placed)
    {
        _description = description;
        var index = new Dictionary<SimFunction, int>(placed.Count);
        _functions = new FunctionTemplate[placed.Count];
        for (int i = 0; i < placed.Count; i++)
        {
            var f = placed[i];
            index[f] = i;
            var bus = f.Bus!;
            int host = IndexOf(booted.Fabric.HostBridges, bus.HostBridge);
            _functions[i] = new FunctionTemplate(f.Name, host, bus.Bridge is { } parent ? index[parent] : -1, f.DevFn, f.Config.Clone(), f.Readiness,
                f.VirtualFunctionConfig, f.WiredInterrupt, f.LinkTrainingTime, f.FirmwareFirst, f.SecondaryBus is not null);
        }
        var boot = booted.Boot!;
        _placements = [.. boot.Placements.Select(p => (index[p.Function], p.Offset, p.Address, p.Size))];
        _ioPlacements = [.. boot.IoPlacements.Select(p => (index[p.Function], p.Offset, p.Address, p.Size))];
        _unassigned = [.. boot.Unassigned.Select(p => (index[p.Function], p.Offset, p.Size))];
        var fw = booted.Firmware;
        _tables = new PublishedTables(fw.McfgAllocations, fw.IortRootComplexes, fw.HestSources, fw.Mcfg, fw.Iort, fw.Hest);
    }

    /// <summary>
    /// The machine <paramref name="description"/> describes, booted: the first call per description
    /// assembles it (and returns that machine) and captures the template; later calls copy the template.
    /// </summary>
    public static SimulatedMachine Create(PlatformDescription description, MachineOptions options)
    {
        if (options.TableWriter is not null) return new MachineAssembler(description, options).Assemble();
        if (Templates.TryGetValue(description, out var template)) return template.Instantiate(options);
        var assembler = new MachineAssembler(description, options);
        var machine = assembler.Assemble();
        Templates.AddOrUpdate(description, new MachineTemplate(description, machine, assembler.Placed));
        return machine;
    }

    private SimulatedMachine Instantiate(MachineOptions options)
    {
        var machine = SimulatedMachine.Empty(_description.Name, options);
        foreach (var h in _description.HostBridges) machine.Fabric.AddHostBridge(MachineAssembler.HostBridgeOf(h, _description));
        var made = new SimFunction[_functions.Length];
        for (int i = 0; i < made.Length; i++)
        {
            var t = _functions[i];
            var bus = t.Parent < 0 ? machine.Fabric.HostBridges[t.HostBridge].RootBus : made[t.Parent].SecondaryBus!;
            var f = new SimFunction(t.Name, t.Config.CloneSharingDefaults(), t.Readiness)
            {
                VirtualFunctionConfig = t.VirtualFunctionConfig,
                WiredInterrupt = t.WiredInterrupt,
                LinkTrainingTime = t.LinkTraining,
                FirmwareFirst = t.FirmwareFirst,
            };
            bus.Attach(f, t.DevFn);
            machine.Register(f.Name, f);
            if (t.HasSecondaryBus) f.SecondaryBus = new SimBus(bus.HostBridge, f);
            made[i] = f;
        }
        var boot = new BootEnumerator(machine.Fabric);
        foreach (var (fn, offset, address, size) in _placements) boot.Placements.Add((made[fn], offset, address, size));
        foreach (var (fn, offset, address, size) in _ioPlacements) boot.IoPlacements.Add((made[fn], offset, address, size));
        foreach (var (fn, offset, size) in _unassigned) boot.Unassigned.Add((made[fn], offset, size));
        machine.SetBoot(boot);
        if (_description.FirmwareFirst is { } ff)
        {
            foreach (var g in ff.Sources) machine.FirmwareFirst.Sources.Add(new GhesSource(g, g.RootPort is null ? null : machine[g.RootPort]));
        }
        var t2 = _tables;
        machine.Firmware.Adopt(t2.Mcfg, t2.Iort, t2.Hest, t2.McfgBytes, t2.IortBytes, t2.HestBytes);
        machine.FirmwareFirst.Prepare();
        return machine;
    }

    private static int IndexOf(IReadOnlyList<SimHostBridge> hosts, SimHostBridge host)
    {
        for (int i = 0; i < hosts.Count; i++)
            if (hosts[i] == host) return i;
        throw new InvalidOperationException($"host bridge {host.Name} is not in the fabric");
    }

    /// <summary>One function as boot left it; <see cref="Parent"/> is the index of its bridge, or -1 on host bridge <see cref="HostBridge"/>'s root bus.</summary>
    private readonly record struct FunctionTemplate(
        string Name, int HostBridge, int Parent, byte DevFn, ConfigSpace Config, FunctionReadiness Readiness,
        Func<int, ConfigSpace>? VirtualFunctionConfig, uint? WiredInterrupt, SimTime? LinkTraining, bool FirmwareFirst, bool HasSecondaryBus);

    /// <summary>The tables boot firmware published (values and their encoded, read-only bytes).</summary>
    private sealed record PublishedTables(
        ImmutableArray<McfgAllocation> Mcfg, ImmutableArray<IortRootComplex> Iort, ImmutableArray<HestErrorSource> Hest,
        ReadOnlyMemory<byte> McfgBytes, ReadOnlyMemory<byte> IortBytes, ReadOnlyMemory<byte> HestBytes);
}
