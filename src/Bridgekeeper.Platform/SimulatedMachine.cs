using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// The simulated machine: a PCIe fabric reached through ECAM, an SMMU, a GIC with ITS, physical
/// memory and platform firmware, all on one deterministic virtual clock with one seeded random
/// source. Built from a <see cref="PlatformDescription"/> (boot firmware then numbers buses and places
/// BARs) or cloned from a real machine's config dumps (as they are). It implements the Hardware
/// ports the hypervisor runs against: <see cref="Config"/>, <see cref="EventLoop"/>, <see cref="Iommu"/>,
/// <see cref="Gic"/>, <see cref="Memory"/>, <see cref="Firmware"/>, <see cref="Random"/>.
/// </summary>
public sealed class SimulatedMachine
{
    private readonly Dictionary<string, SimFunction> _byName = new(StringComparer.Ordinal);

    private SimulatedMachine(string name, MachineOptions options)
    {
        Name = name;
        Options = options;
        Random = new SeededRandom(options.Seed);
        EventLoop = new EventLoop();
        Fabric = new PcieFabric(EventLoop);
        Iommu = new SimSmmu(EventLoop);
        Gic = new SimGic(EventLoop);
        Memory = new SimMemory();
        Firmware = new SimFirmware(EventLoop);
        var interrupts = new RootPortInterrupts(Gic);
        Aer = new AerEngine(Fabric, interrupts, EventLoop) { HeaderByteOrder = options.HeaderLog, Quirks = options.AerQuirks, EventCollectorOf = EventCollectorOf };
        Resets = new ResetEngine(EventLoop);
        Sriov = new SriovEngine(EventLoop);
        Dma = new DmaEngine(EventLoop, Iommu, Random.Fork("dma"));
        FirmwareFirst = new FirmwareFirstController(Fabric, Memory, Gic, Firmware, EventLoop) { RecordWriter = options.GhesRecordWriter ?? new CperGhesRecordWriter() };
        Aer.FirmwareFirst = FirmwareFirst;
        Resets.DisableVirtualFunctions = Sriov.Disable;
        Resets.SurpriseDown = port => Aer.Inject(port, new AerErrorRecord(AerCapability.SurpriseDownError, port.Address.RequesterId.Value, false, false, false, 0, 0, 0, 0));
        Intx = new IntxRouter(Fabric, Gic);
        Resets.FunctionReset = Intx.OnReset;
        Frs = new FrsSignalling(Gic, EventLoop) { EventCollectorOf = EventCollectorOf };
        Drs = new DrsSignalling(Gic) { Frs = Frs };
        Resets.Drs = Drs;
        Resets.Frs = Frs;
        Sriov.Frs = Frs;
        Fabric.Effects = new RegisterSideEffects(Resets, Sriov, Aer, interrupts) { Intx = Intx, Power = new PowerStates(Resets) };
    }

    public string Name { get; }

    public MachineOptions Options { get; }

    public EventLoop EventLoop { get; }

    public PcieFabric Fabric { get; }

    /// <summary>Physical config access (ECAM) as the hypervisor owns it.</summary>
    public IConfigAccess Config => Fabric;

    public SimSmmu Iommu { get; }

    public SimGic Gic { get; }

    public SimMemory Memory { get; }

    public SimFirmware Firmware { get; }

    public IRandomSource Random { get; }

    public AerEngine Aer { get; }

    public ResetEngine Resets { get; }

    public SriovEngine Sriov { get; }

    public DmaEngine Dma { get; }

    public FirmwareFirstController FirmwareFirst { get; }

    /// <summary>DRS Messages received by downstream ports.</summary>
    internal DrsSignalling Drs { get; }

    /// <summary>FRS Messages sent by functions (and where they were queued).</summary>
    internal FrsSignalling Frs { get; }

    /// <summary>Every FRS Message sent, oldest first (PCIe Base 6.0 §6.22.2).</summary>
    public IReadOnlyList<FrsMessage> FrsMessages => Frs.Sent;

    /// <summary>Errors injected at functions that could not take them (held in reset, not ready, removed).</summary>
    public IReadOnlyList<DroppedAerError> DroppedErrors => Aer.Dropped;

    /// <summary>INTx wires to the GIC's SPIs (swizzled per bridge).</summary>
    public IntxRouter Intx { get; }

    /// <summary>Bus numbering and BAR placement done at boot (null for a cloned machine).</summary>
    public BootEnumerator? Boot { get; private set; }

    /// <summary>
    /// Builds and boots the machine a platform file describes. Machines built from one description
    /// start from copies of one booted template (<see cref="MachineTemplate"/>): the same state as
    /// <see cref="Assemble"/> gives, none of it shared.
    /// </summary>
    public static SimulatedMachine Create(PlatformDescription description, MachineOptions? options = null) =>
        MachineTemplate.Create(description, options ?? new MachineOptions());

    /// <summary>Builds and boots the machine from scratch (catalog, boot enumeration, table encoding): what <see cref="Create"/> must equal.</summary>
    public static SimulatedMachine Assemble(PlatformDescription description, MachineOptions? options = null) =>
        new MachineAssembler(description, options ?? new MachineOptions()).Assemble();

    /// <summary>A machine whose functions are exactly the given config spaces (no boot firmware: registers stay as captured).</summary>
    public static SimulatedMachine Clone(IEnumerable<ClonedFunction> functions, MachineOptions? options = null) =>
        MachineCloner.Clone(functions, options ?? new MachineOptions());

    /// <summary>
    /// As <see cref="Clone(IEnumerable{ClonedFunction}, MachineOptions?)"/>; with <paramref name="firmwareFirst"/> the
    /// clone's firmware takes every root port's errors first: HEST gets a FIRMWARE_FIRST AER entry and a
    /// GHESv2 source per root port (layout in docs/platform-schema.md, "Cloned machines").
    /// </summary>
    public static SimulatedMachine Clone(IEnumerable<ClonedFunction> functions, MachineOptions? options, bool firmwareFirst) =>
        MachineCloner.Clone(functions, options ?? new MachineOptions(), firmwareFirst);

    internal static SimulatedMachine Empty(string name, MachineOptions options) => new(name, options);

    internal void Register(string name, SimFunction f)
    {
        if (!_byName.TryAdd(name, f)) throw new InvalidOperationException($"two functions are named '{name}'");
    }

    internal void SetBoot(BootEnumerator boot) => Boot = boot;

    /// <summary>The function named in the platform file (function n of a device is "name.n").</summary>
    public SimFunction this[string name] => _byName.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"no function named '{name}'");

    public IReadOnlyDictionary<string, SimFunction> FunctionsByName => _byName;

    /// <summary>The function at an address now (null when nothing answers there).</summary>
    public SimFunction? Find(Sbdf address) => Fabric.Route(address);

    public SimFunction FunctionAt(Sbdf address) => Find(address) ?? throw new KeyNotFoundException($"no function at {address}");

    /// <summary>Injects one AER error at a function, as QEMU's <c>pcie_aer_inject_error</c> (header dwords as QEMU takes them).</summary>
    public AerInjectOutcome InjectAerError(Sbdf device, uint status, bool correctable, bool advisory = false, ReadOnlySpan<uint> header = default) =>
        InjectAerError(FunctionAt(device), status, correctable, advisory, header);

    /// <summary>
    /// Injects one AER error at a function known by identity rather than by a config address, so an error
    /// aimed at a function that no config request can reach right now (held in reset below a bridge whose
    /// link is down, removed) still gets its outcome (dropped, with the reason) instead of a lookup failure.
    /// </summary>
    public AerInjectOutcome InjectAerError(SimFunction f, uint status, bool correctable, bool advisory = false, ReadOnlySpan<uint> header = default)
    {
        Span<uint> h = stackalloc uint[4];
        header[..Math.Min(4, header.Length)].CopyTo(h);
        return Aer.Inject(f, new AerErrorRecord(status, f.Address.RequesterId.Value, correctable, advisory, header.Length > 0, h[0], h[1], h[2], h[3]));
    }

    public void SurpriseRemove(Sbdf device, bool reportSurpriseDown = true) => Resets.SurpriseRemove(FunctionAt(device), reportSurpriseDown);

    public void LinkDown(Sbdf port, bool reportSurpriseDown = true) => Resets.LinkDown(FunctionAt(port), reportSurpriseDown);

    public void LinkRetrain(Sbdf port) => Resets.LinkRetrain(FunctionAt(port));

    /// <summary>Makes a function answer RRS forever after its next reset (a device that never becomes ready).</summary>
    public void SetNeverReady(Sbdf device)
    {
        var f = FunctionAt(device);
        f.Readiness = f.Readiness with { NeverReady = true };
    }

    /// <summary>Starts DMA from a function at <paramref name="perMillisecond"/> transactions per ms of virtual time.</summary>
    public void StartDma(Sbdf device, double perMillisecond) => Dma.Start(FunctionAt(device), perMillisecond);

    /// <summary>A device model asserts or deasserts its INTx (level-sensitive, <see cref="IntxRouter"/>).</summary>
    public void SetIntx(Sbdf device, bool asserted) => Intx.Drive(FunctionAt(device), asserted);

    public void StopDma(Sbdf device) => Dma.Stop(FunctionAt(device));

    /// <summary>The SMMU StreamID of a function (IORT: Requester ID + the root complex's base).</summary>
    public uint StreamIdOf(Sbdf device) => (HostOf(device).StreamIdBase + device.RequesterId.Value);

    /// <summary>The ITS DeviceID of a function (IORT: Requester ID + the root complex's base).</summary>
    public uint DeviceIdOf(Sbdf device) => HostOf(device).DeviceIdBase + device.RequesterId.Value;

    /// <summary>Publishes MCFG, IORT and HEST from what the machine is (boot firmware's last step).</summary>
    internal void PublishTables(IEnumerable<HestErrorSource> hest)
    {
        var mcfg = ImmutableArray.CreateBuilder<McfgAllocation>();
        var iort = ImmutableArray.CreateBuilder<IortRootComplex>();
        foreach (var h in Fabric.HostBridges)
        {
            mcfg.Add(new McfgAllocation(h.EcamBase, (ushort)h.Segment, h.StartBus, h.EndBus));
            iort.Add(new IortRootComplex(h.Segment, h.StreamIdBase, h.DeviceIdBase));
        }
        Firmware.Publish(Options.TableWriter ?? new AcpiFirmwareTables(), mcfg.ToImmutable(), iort.ToImmutable(), [.. hest]);
        FirmwareFirst.Prepare();
    }

    private SimHostBridge HostOf(Sbdf device) => Fabric.HostBridgeOf(device.Segment) ?? throw new KeyNotFoundException($"no segment {device.Segment}");

    private SimFunction? EventCollectorOf(uint segment)
    {
        foreach (var f in Fabric.HostBridgeOf(segment)?.RootBus.Functions ?? [])
            if (f.PortType == PciePortType.RCEC) return f;
        return null;
    }
}
