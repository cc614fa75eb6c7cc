using System.Collections.Immutable;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation.Invariants;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The composition root of a simulation: builds the simulated machine, the hypervisor (topology
/// registry, groups, assignment, vPCI, error intake, recovery, RAS log) and the guests, connects them
/// only through the Hardware ports, plays the scenario on virtual time and checks the result. Times in
/// the scenario count from the end of boot.
/// </summary>
public sealed class ScenarioMachine
{
    private const ulong VirtualGhesBase = 0x4000_0000;
    private const uint VirtualGhesIntId = 101;
    private const int VfsPerPf = 4;

    private readonly Scenario _scenario;
    private readonly ulong _seed;
    private readonly SimulatedMachine _machine;
    private readonly RecordingEventSink _sink = new();
    private readonly ObservedConfigAccess _config;
    private readonly TopologyRegistry _registry;
    private readonly TopologyViews _views;
    private readonly Hypervisor.Hypervisor _hypervisor;
    private readonly RecordingRasLog _rasLog;
    private readonly SqliteRasLog? _sqlite;
    private readonly ConfigSnapshotStore _snapshots;
    private readonly GuestChannelHub _hub = new();
    private readonly GuestErrorNotifier _notifier;
    private readonly Dictionary<string, GuestDriverModel> _guests = new(StringComparer.Ordinal);
    private readonly Dictionary<Sbdf, Owner> _ownerAfterSetup = [];
    private readonly List<string> _failures = [];
    // Names resolved once: a VF keeps its name in expectations even after a reset has removed it.
    private readonly Dictionary<string, Sbdf> _names = new(StringComparer.Ordinal);
    private readonly List<DmaObservation> _dma = [];
    private readonly Dictionary<Sbdf, (SimTime Since, long Translated)> _blocked = [];

    private readonly bool _assignmentsMayBeRefused;
    private readonly bool _stopWhenSettled;
    private readonly RecoveryCoordinator _coordinator;
    private readonly bool _drawTopology;

    private ScenarioMachine(Scenario scenario, ulong seed, string? databasePath, bool assignmentsMayBeRefused, bool stopWhenSettled, bool drawTopology)
    {
        _drawTopology = drawTopology;
        _assignmentsMayBeRefused = assignmentsMayBeRefused;
        _stopWhenSettled = stopWhenSettled;
        _scenario = scenario;
        _seed = seed;
        _machine = SimulatedMachine.Create(LoadPlatform(scenario), new MachineOptions(seed, GhesRecordWriter: new CperGhesRecordWriter()));
        _config = new ObservedConfigAccess(_machine);
        _registry = new TopologyRegistry(_config, _sink, _machine.EventLoop);
        _views = new TopologyViews(_registry, scenario.Policies.Grouping == GroupingPolicyChoice.Strict ? GroupingPolicy.Strict : GroupingPolicy.Linux);
        var ports = new HypervisorPorts(_config, _machine.Iommu, _machine.Gic, _sink, _machine.EventLoop)
        {
            StreamIdOf = _machine.StreamIdOf,
            ItsDeviceIdOf = _machine.DeviceIdOf,
            Physdev = _registry,
        };
        _hypervisor = new Hypervisor.Hypervisor(ports, _views);
        _sqlite = databasePath is null ? null : new SqliteRasLog(databasePath);
        _rasLog = new RecordingRasLog(_sqlite);
        var timeline = new DurableTimeline(_rasLog, _sink, _machine.EventLoop);
        var capabilities = new CapabilityCache(_config);
        var options = new RecoveryOptions();
        _snapshots = new ConfigSnapshotStore(_config, capabilities, options.AerNative);
        _notifier = new GuestErrorNotifier(new ShadowAerView(_hypervisor));
        var context = new RecoveryContext(_config, _machine.EventLoop, _machine.Iommu, _hub,
            new OwnerDirectoryView(_hypervisor, _machine.StreamIdOf), _notifier, timeline, _snapshots, capabilities, options) { InterruptState = new HypervisorInterruptState(_hypervisor) };
        _coordinator = new RecoveryCoordinator(context, _views);
        _hypervisor.RecoveryHooks = new RecoveryHooksView(_coordinator);
        var intake = new ErrorIntake(timeline, new CorrectableErrorLimiter(10, SimTime.FromSeconds(1)), _coordinator);
        Native = new NativeAerHandler(_config, capabilities, new AerSourceLocator(_config, capabilities, _views),
            new AerDeviceLogReader(_config, capabilities, _views), intake);
        GhesRouter = new GhesNotificationRouter(new GhesErrorHandler(_machine.Memory, _machine.EventLoop, intake, new GhesDuplicateFilter()),
            _machine.Gic, _machine.Firmware, _machine.EventLoop);
        _sink.OnEvent = WatchDmaWindows;
    }

    private NativeAerHandler Native { get; }

    private GhesNotificationRouter GhesRouter { get; }

    /// <param name="assignmentsMayBeRefused">For campaigns: a refused assignment is recorded (as an expectation failure line) but not a failure.</param>
    /// <param name="stopWhenSettled">
    /// For campaigns: end the run once the last fault and error are in and every recovery has finished
    /// (or at the scenario's <c>run_for</c>, whichever is first) instead of simulating the quiet tail.
    /// </param>
    /// <param name="drawTopology">False for campaigns: no <see cref="TopologySnapshot"/> for a report nobody writes (<see cref="TopologySnapshot.Empty"/>).</param>
    public static ScenarioRun Run(Scenario scenario, ulong seed, string? databasePath = null, bool assignmentsMayBeRefused = false, bool stopWhenSettled = false,
        bool drawTopology = true)
    {
        var m = new ScenarioMachine(scenario, seed, databasePath, assignmentsMayBeRefused, stopWhenSettled, drawTopology);
        try
        {
            return m.Play();
        }
        finally
        {
            m._sqlite?.Dispose();
        }
    }

    private ScenarioRun Play()
    {
        var loop = _machine.EventLoop;
        Boot();
        ConfigureErrorPaths();
        CreateGuests();
        Assign();
        foreach (var x in _scenario.Expectations) if (x.Device is { } d) Resolve(d);
        var t0 = loop.Now;
        ScheduleFaultsAndErrors(t0);
        var end = t0 + _scenario.RunFor;
        if (_stopWhenSettled) RunUntilSettled(t0, end);
        else loop.RunUntil(end);
        CloseDmaWindows();
        CheckExpectations();

        var observed = new SimulationObservations(_dma, _config.NotReady, _rasLog.Errors, (bridge, f) => _views.Below(bridge).Contains(f));
        // The run is over, so the topology no longer changes: the check asks each bridge's scope once.
        var below = new Dictionary<Sbdf, ImmutableArray<Sbdf>>();
        var breaks = InvariantSet.Check(_sink.Events, observed with
        {
            IsBelow = (bridge, f) => (below.TryGetValue(bridge, out var scope) ? scope : below[bridge] = _views.Below(bridge)).Contains(f),
        });
        var summary = RunSummaryBuilder.Build(_scenario.Name, _seed, _sink.Events, breaks, [.. _failures]);
        return new ScenarioRun(_scenario, _seed, _sink.Events, observed, _drawTopology ? Snapshot() : TopologySnapshot.Empty, summary);
    }

    // Margin after the last injection for the error to travel (firmware-first latency, interrupt
    // delivery) and start its recovery; then the run goes on while any recovery is still running.
    private static readonly SimTime SettleMargin = SimTime.FromMilliseconds(20);
    private static readonly SimTime SettleStep = SimTime.FromMilliseconds(10);

    private void RunUntilSettled(SimTime t0, SimTime end)
    {
        var loop = _machine.EventLoop;
        var last = SimTime.Zero;
        foreach (var f in _scenario.Faults) if (f.At > last) last = f.At;
        foreach (var e in _scenario.Errors)
        {
            var at = e.At + new SimTime(e.Every.Nanoseconds * Math.Max(0, e.Count - 1));
            if (at > last) last = at;
        }
        var quietFrom = t0 + last + SettleMargin;
        loop.RunUntil(quietFrom < end ? quietFrom : end);
        while (loop.Now < end && AnyRecoveryRunning())
        {
            var next = loop.Now + SettleStep;
            loop.RunUntil(next < end ? next : end);
        }
    }

    private bool AnyRecoveryRunning()
    {
        foreach (var p in _coordinator.History) if (!p.IsFinished) return true;
        return false;
    }

    // Parsed once: a campaign builds thousands of machines from it (the description is immutable).
    private static readonly Lazy<PlatformDescription> ArmServer = new(() => BuiltInPlatforms.ArmServer);

    private static PlatformDescription LoadPlatform(Scenario s)
    {
        if (s.Platform.FilePath is { } path) return PlatformYamlReader.ReadFile(path);
        if (s.Platform.BuiltInName is { } name && DrawnPlatforms.SeedOf(name) is { } drawn) return DrawnPlatforms.Get(drawn).Description;
        return s.Platform.BuiltInName switch
        {
            "arm-server" => ArmServer.Value,
            var other => throw new ScenarioFormatException(s.Platform.At, "platform", $"no built-in platform named '{other}' (built in: arm-server, random:N)"),
        };
    }

    // Boot: d0 walks ECAM through the hypervisor, enables ACS and SR-IOV, waits the VF Enable delay
    // (PCIe Base 6.0 §9.3.3.3.1: 100 ms before the VFs may be accessed), then walks again and reports
    // host bridges and every function (VFs included) in a seeded shuffled order.
    private void Boot()
    {
        var d0 = new HardwareDomain(_hypervisor, _registry, _machine.Random.Fork("hardware-domain-report-order"));
        var bridges = _machine.Fabric.HostBridges.Select(h => (h.EcamBase, h.Segment, h.StartBus, h.EndBus)).ToList();
        d0.EnableAcsAndVirtualFunctions(bridges, VfsPerPf);
        _machine.EventLoop.RunFor(SimTime.FromMilliseconds(110));
        d0.Boot(bridges);
    }

    // The AER service of the hypervisor at boot (Linux's aer_enable_rootport and
    // pci_enable_pcie_error_reporting): error reporting on in every function's Device Control
    // (PCIe Base 6.0 §7.5.3.4), SERR# Enable in Command and, on bridges, in Bridge Control so that
    // uncorrectable messages are forwarded (§7.5.1.1.3, §7.5.1.3.13), and Root Error Command on every
    // root port (§7.8.4.9). A root port whose
    // errors a scenario sends firmware-first is handed to firmware with a GHESv2 source of its own.
    private void ConfigureErrorPaths()
    {
        var firmwareFirstPorts = new HashSet<SimFunction>();
        foreach (var e in _scenario.Errors)
        {
            var f = _machine.FunctionAt(Resolve(e.Device));
            if (PcieFabric.RootPortOf(f) is not { } rp) continue;
            if (e.Path == ErrorPath.FirmwareFirst) firmwareFirstPorts.Add(rp);
            else if (rp.FirmwareFirst)
                throw new ScenarioFormatException(e.Line, "path", $"{e.Device} sits below {rp.Name}, which this platform handles firmware-first; say path: firmware-first");
        }
        ushort nextSource = 100;
        foreach (var rp in firmwareFirstPorts.Where(p => !p.FirmwareFirst).OrderBy(p => p.Address))
        {
            ulong area = 0x9000_0000UL + (ulong)nextSource * 0x10000;
            var source = new GhesSourceDescription(nextSource++, rp.Name, (byte)NotificationType.Gsiv, 200u + nextSource, 2, area, area + 0x1000, 4096, area + 8);
            rp.FirmwareFirst = true;
            _machine.FirmwareFirst.Sources.Add(new GhesSource(source, rp));
            _machine.Memory.WriteUInt64(source.StatusAddressRegister, source.BlockAddress);
            _machine.Memory.WriteUInt64(source.ReadAckRegister, 1);
        }

        _hypervisor.WithConfigLock(cfg =>
        {
            foreach (var f in _machine.Fabric.AllFunctions())
            {
                if (!f.IsPcie || f.Removed) continue;
                cfg.Write(f.Address, ConfigHeader.Command, 2, cfg.Read(f.Address, ConfigHeader.Command, 2) | ConfigHeader.CommandSerrEnable);
                if (f.IsBridge)
                    cfg.Write(f.Address, ConfigHeader.BridgeControl, 2, cfg.Read(f.Address, ConfigHeader.BridgeControl, 2) | ConfigHeader.BridgeControlSerrEnable);
                int devCtl = f.PcieCapability + 8;
                cfg.Write(f.Address, devCtl, 2, cfg.Read(f.Address, devCtl, 2) | 0x7);
                if (f.HasRootErrorRegisters && f.AerCapability != 0)
                    cfg.Write(f.Address, f.AerCapability + AerCapability.RootErrorCommand, 4, 0x7);
            }
        });

        foreach (var f in _machine.Fabric.AllFunctions())
        {
            if (f.HasRootErrorRegisters && !f.FirmwareFirst && f.WiredInterrupt is { } spi) Native.Attach(_machine.Gic, f.Address, spi);
        }
        GhesRouter.Register(_machine.FirmwareFirst.Sources.Select(s => new GhesSourceDescriptor(s.Description.SourceId,
            (NotificationType)s.Description.NotifyType, s.Description.Vector, 0, s.Description.StatusAddressRegister, s.Description.BlockLength,
            s.Description.Version == 2 ? new GhesReadAckRegister(s.Description.ReadAckRegister, 64, 0, ~1UL, 1) : null)).ToList());
    }

    private void CreateGuests()
    {
        // The hardware domain's own drivers (for the functions it keeps, e.g. an SR-IOV PF) answer on
        // the recovery channel too: they recover a non-fatal error without a reset, and quiesce by
        // the explicit call within 1 ms when a reset is needed.
        var d0 = new GuestDriverModel(DomainId.Hardware, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(1)) with { QuiescesBySbrWrite = false },
            _machine.EventLoop) { Hypervisor = _hypervisor };
        _hub.Add(DomainId.Hardware, d0);
        foreach (var d in _scenario.Domains)
        {
            var notification = d.Notification == NotificationOption.VirtualGhes ? ErrorNotification.VirtualGhes : ErrorNotification.VirtualRootPort;
            _hypervisor.CreateGuest(d.Id, new GuestOptions(notification, d.Name));
            var model = new GuestDriverModel(d.Id, ProfileOf(d), _machine.EventLoop)
            {
                Hypervisor = _hypervisor,
                Dma = new GuestDmaView(_machine, d.DmaPerMs),
            };
            _hub.Add(d.Id, model);
            _machine.Gic.OnVirtualInterrupt(d.Id, (_, intId) => model.OnVirtualInterrupt(intId));
            if (d.Notification == NotificationOption.VirtualGhes)
            {
                var mailbox = new VirtualGhesMailbox(d.Id, VirtualGhesBase, VirtualGhesIntId, _machine.Gic);
                _notifier.AddMailbox(mailbox);
                model.Ghes = new GuestGhesView(mailbox, mailbox.ErrorStatusAddress, mailbox.ReadAckAddress, VirtualGhesIntId);
            }
            _guests[d.Name] = model;
        }
    }

    private static GuestDriverProfile ProfileOf(GuestDomainSpec d) => d.Behaviour switch
    {
        GuestDriverBehaviour.Cooperative => GuestDriverProfile.Cooperative(d.QuiesceTime),
        GuestDriverBehaviour.CanRecover => GuestDriverProfile.CanRecover(d.QuiesceTime),
        GuestDriverBehaviour.Slow => GuestDriverProfile.Slow(d.QuiesceTime, d.QuiesceTime),
        GuestDriverBehaviour.Silent => GuestDriverProfile.Silent(),
        GuestDriverBehaviour.NoHandler => GuestDriverProfile.NoHandler(),
        GuestDriverBehaviour.Disconnect => GuestDriverProfile.Disconnect(),
        _ => GuestDriverProfile.DmaAfterQuiesce(d.QuiesceTime),
    };

    private void Assign()
    {
        foreach (var a in _scenario.Assignments)
        {
            var spec = _scenario.DomainNamed(a.Domain)!;
            var functions = a.Devices.Select(Resolve).ToList();
            var result = _hypervisor.Assign(spec.Id, functions);
            if (!result.Accepted)
            {
                if (!a.ExpectRefused || _assignmentsMayBeRefused) _failures.Add($"{a.At}: assigning {string.Join(", ", functions)} to {a.Domain} was refused: {result.Reason}");
                continue;
            }
            if (a.ExpectRefused) _failures.Add($"{a.At}: assigning {string.Join(", ", functions)} to {a.Domain} was expected to be refused but was accepted");
            foreach (var f in result.Functions) Probe(spec, f);
        }
        foreach (var f in _machine.Fabric.AllFunctions()) _ownerAfterSetup[f.Address] = _hypervisor.Owners.OwnerOf(f.Address);
    }

    // The guest's driver probes its device through its own virtual config space: error reporting on
    // in Device Control, Root Error Command on in the virtual root port, memory decode and bus
    // mastering on (then its DMA starts). The hypervisor saves the physical config for recovery.
    private void Probe(GuestDomainSpec spec, Sbdf physical)
    {
        var view = _hypervisor.GuestViewOf(physical);
        if (view is null) return;
        var port = _hypervisor.RootPortOf(physical);
        var model = _guests[spec.Name];
        if (view.PciExpressOffset is int pcie)
        {
            uint devCtl = _hypervisor.ConfigRead(spec.Id, view.VirtualAddress, pcie + 8, 2);
            _hypervisor.ConfigWrite(spec.Id, view.VirtualAddress, pcie + 8, 2, devCtl | 0x7);
        }
        if (port is not null)
        {
            model.AerVirtualIntId ??= port.VirtualIntId;
            if (FindAer(spec.Id, port.VirtualAddress) is int aer)
                _hypervisor.ConfigWrite(spec.Id, port.VirtualAddress, aer + AerCapability.RootErrorCommand, 4, 0x7);
        }
        _hypervisor.ConfigWrite(spec.Id, view.VirtualAddress, ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster);
        _snapshots.Save(physical);
        model.AddDevice(view.VirtualAddress, port?.VirtualAddress, physical);
    }

    private int? FindAer(DomainId domain, Sbdf function)
    {
        int where = 0x100;
        for (int ttl = 0; where >= 0x100 && ttl < 480; ttl++)
        {
            uint header = _hypervisor.ConfigRead(domain, function, where, 4);
            if (header is 0 or 0xFFFF_FFFF) return null;
            if ((header & 0xFFFF) == 0x0001) return where;
            where = (int)(header >> 20) & ~3;
        }
        return null;
    }

    private void ScheduleFaultsAndErrors(SimTime t0)
    {
        var loop = _machine.EventLoop;
        foreach (var f in _scenario.Faults)
        {
            var device = Resolve(f.Device);
            Action act = f.Kind switch
            {
                FaultKind.NeverReady => () => _machine.SetNeverReady(device),
                FaultKind.SurpriseRemoval => () => _machine.SurpriseRemove(device),
                _ => () => _machine.LinkDown(device),
            };
            // A fault on a function that is not there at that moment (a VF while its PF is being
            // reset, a device already pulled) has nothing to act on, like an error injected there.
            string what = f.Kind switch
            {
                FaultKind.NeverReady => "never ready after its next reset (answers RRS)",
                FaultKind.SurpriseRemoval => "surprise removal",
                _ => "link down",
            };
            loop.ScheduleAt(t0 + f.At, () =>
            {
                // The fault is in the timeline before anything it causes.
                bool present = _machine.Find(device) is { Removed: false };
                _sink.Emit(TimelineEvent.Of(loop.Now, EventKinds.FaultInjected, device, null,
                    present ? $"fault: {what}" : $"fault not applied ({what}): nothing answers at {device}",
                    new KeyValuePair<string, object?>("fault", f.Kind.ToString()), new KeyValuePair<string, object?>("applied", present)));
                if (present) act();
            }, $"fault-{f.Kind}");
        }
        foreach (var e in _scenario.Errors)
        {
            var device = Resolve(e.Device);
            bool correctable = e.Severity == ErrorSeverity.Correctable;
            int remaining = e.Count;
            // The function as booted: while a reset holds it, no config request reaches it, yet the error
            // must still meet it (and be dropped by it, with the reason), not vanish in a failed lookup.
            var booted = _machine.Find(device);
            void Inject()
            {
                var target = _machine.Find(device) is { Removed: false } routed ? routed : booted;
                var outcome = AerInjectOutcome.Removed;
                if (target is not null)
                {
                    SetSeverity(target, e);
                    outcome = _machine.InjectAerError(target, e.StatusBits, correctable);
                }
                if (outcome != AerInjectOutcome.Injected) ReportDropped(device, target is null ? "Absent" : outcome.ToString());
                if (--remaining > 0) loop.Schedule(e.Every, Inject, "inject");
            }
            loop.ScheduleAt(t0 + e.At, Inject, "inject");
        }
    }

    // The simulator drops an error that a function in reset or not yet ready cannot log (it says so in its
    // result); the timeline shows it, so an expectation that depended on that error can be understood.
    private void ReportDropped(Sbdf device, string reason) =>
        _sink.Emit(TimelineEvent.Of(_machine.EventLoop.Now, EventKinds.ErrorDropped, device, null,
            $"injected error not signalled ({reason})", new KeyValuePair<string, object?>("reason", reason)));

    // The scenario's severity wins over the device's Uncorrectable Error Severity register (§7.8.4.4):
    // the register is set as the scenario says before the error is signalled.
    // A function no config request can reach (in reset, link down) keeps its register: the error is dropped there anyway.
    private void SetSeverity(SimFunction f, ErrorInjectionSpec e)
    {
        if (e.Severity == ErrorSeverity.Correctable || f.AerCapability == 0 || _machine.Find(f.Address) != f) return;
        int at = f.AerCapability + AerCapability.UncorrectableSeverity;
        uint severity = f.Config.ReadUInt32(at);
        uint wanted = e.Severity == ErrorSeverity.Fatal ? severity | e.StatusBits : severity & ~e.StatusBits;
        if (wanted != severity) _machine.Config.Write(f.Address, at, 4, wanted);
    }

    public Sbdf Resolve(DeviceRef d)
    {
        if (d.Address is { } a)
        {
            return _machine.Find(a) is not null ? a
                : throw new ScenarioFormatException(d.At, d.Field, $"no function at {a} on platform {_machine.Name}");
        }
        if (_names.TryGetValue(d.Text, out var known0)) return known0;
        if (_machine.FunctionsByName.TryGetValue(d.Text, out var named)) return _names[d.Text] = named.Address;
        foreach (var f in _machine.Fabric.AllFunctions())
            if (f.Name == d.Text) return _names[d.Text] = f.Address;
        string known = string.Join(", ", _machine.Fabric.AllFunctions().Select(f => f.Name).Order(StringComparer.Ordinal));
        throw new ScenarioFormatException(d.At, d.Field, $"no function named '{d.Text}' on platform {_machine.Name} (known: {known})");
    }

    // Hardware's own view of "DMA reached memory while blocked": the SMMU's translation count of each
    // function in the scope, taken when recovery says it blocked DMA and again when it unblocks.
    private void WatchDmaWindows(TimelineEvent e)
    {
        if (e.Device is not { } bridge) return;
        if (e.Kind == EventKinds.DmaBlocked)
        {
            foreach (var f in ScopeFunctions(bridge)) _blocked.TryAdd(f, (e.Time, _machine.Iommu.TranslatedCount(_machine.StreamIdOf(f))));
        }
        else if (e.Kind == EventKinds.DmaUnblocked)
        {
            foreach (var f in ScopeFunctions(bridge)) CloseWindow(f);
        }
    }

    private IEnumerable<Sbdf> ScopeFunctions(Sbdf bridge) => [bridge, .. _views.Below(bridge)];

    private void CloseWindow(Sbdf f)
    {
        if (!_blocked.Remove(f, out var w)) return;
        if (_machine.Iommu.TranslatedCount(_machine.StreamIdOf(f)) > w.Translated) _dma.Add(new DmaObservation(w.Since, f, ReachedMemory: true));
    }

    private void CloseDmaWindows()
    {
        foreach (var f in _blocked.Keys.ToList()) CloseWindow(f);
    }

    private void CheckExpectations()
    {
        if (_scenario.Expectations.IsEmpty) return; // a campaign's scenarios expect nothing
        var reset = new HashSet<Sbdf>();
        var resumed = new HashSet<Sbdf>();
        var touched = new HashSet<Sbdf>();
        foreach (var e in _sink.Events)
        {
            if (e.Device is not { } d) continue;
            if (e.Kind == EventKinds.DeviceReady) reset.Add(d);
            if (e.Kind == EventKinds.OwnerResumed) resumed.Add(d);
            if (e.Kind is EventKinds.OwnerNotified or EventKinds.DeviceReady) touched.Add(d);
        }
        foreach (var x in _scenario.Expectations)
        {
            if (x.Device is { } dref && x.Ends is { } ends)
            {
                var f = Resolve(dref);
                var owner = _hypervisor.Owners.OwnerOf(f);
                bool ok = ends switch
                {
                    DeviceOutcome.Recovered => resumed.Contains(f) && owner.Kind is OwnerKind.Guest or OwnerKind.HardwareDomain,
                    DeviceOutcome.Quarantined => owner.Kind == OwnerKind.Quarantine,
                    DeviceOutcome.Broken => owner.Kind == OwnerKind.Broken,
                    _ => !touched.Contains(f) && _ownerAfterSetup.GetValueOrDefault(f) == owner,
                };
                if (!ok) _failures.Add($"{x.At}: expected {dref} ({f}) to end {ends.ToString().ToLowerInvariant()}, but it ends owned by {owner}{(reset.Contains(f) ? " after a reset" : ", never reset")}");
            }
            else if (x.Domain is { } name && x.Told is { } told)
            {
                var received = _guests[name].Received;
                bool ok = told switch
                {
                    GuestNotice.Nothing => received.Count == 0,
                    GuestNotice.ErrorDetected => received.Any(r => r.Kind == GuestRequestKind.ErrorDetected),
                    GuestNotice.Resumed => received.Any(r => r.Kind == GuestRequestKind.Resume),
                    GuestNotice.DeviceRemoved => received.Any(r => r.Kind == GuestRequestKind.DeviceRemoved),
                    _ => received.Any(r => r.Kind == GuestRequestKind.PermanentFailure),
                };
                if (!ok) _failures.Add($"{x.At}: expected {name} to be told {told}, but it received [{string.Join(", ", received.Select(r => r.Kind))}]");
            }
        }
    }

    private TopologySnapshot Snapshot() => TopologySnapshotAdapter.From(_registry.Topology, _views.Groups, _views, _hypervisor.Owners, _machine);
}
