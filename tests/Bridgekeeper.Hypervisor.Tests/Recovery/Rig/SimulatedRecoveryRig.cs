using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Bridgekeeper.Platform.Guests;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// Recovery over the simulator (not the test fabric): a <see cref="SimulatedMachine"/> built from a
/// platform file, its ECAM, event loop and SMMU as the recovery's ports, the topology snapshot from
/// its functions, real guest driver models. Errors are handed to the coordinator as the intake would.
/// </summary>
public sealed class SimulatedRecoveryRig : IDisposable
{
    private readonly string _dbPath;
    private long _rasId;

    /// <param name="prepare">Runs on the booted machine before the topology snapshot is taken (e.g. enabling VFs).</param>
    public SimulatedRecoveryRig(string platformYaml, RecoveryOptions? options = null, Action<SimulatedMachine>? prepare = null)
    {
        Options = options ?? new RecoveryOptions();
        Machine = SimulatedMachine.Create(PlatformYamlReader.Read(platformYaml, "rig.yaml"));
        prepare?.Invoke(Machine);
        Gic = new TestGic();
        VirtualPci = new TestVirtualPci(Gic);
        Owners = new TestOwners();
        Sink = new RecordingSink();
        Hub = new GuestChannelHub();
        _dbPath = Path.Combine(Path.GetTempPath(), $"bk-simras-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}.db");
        RasLog = new SqliteRasLog(_dbPath, fullSync: false);
        var timeline = Timeline = new DurableTimeline(RasLog, Sink, Machine.EventLoop);
        Config = new ReadinessCheckedConfig(Machine);
        Capabilities = new CapabilityCache(Config);
        Snapshots = new ConfigSnapshotStore(Config, Capabilities, Options.AerNative);
        var context = new RecoveryContext(Config, Machine.EventLoop, Machine.Iommu, Hub, Owners,
            new GuestErrorNotifier(VirtualPci), timeline, Snapshots, Capabilities, Options);
        Topology = PciTopology.FromFunctions(Machine.Fabric.AllFunctions()
            .Where(f => !f.Removed && f.Bus is not null)
            .Select(f => new FunctionConfig(f.Address, f.Config, f.PhysicalFunction?.Address)));
        View = new TopologyRecoveryView(() => Topology);
        Coordinator = new RecoveryCoordinator(context, View);
        VirtualPci.Recovery = Coordinator;
    }

    private static int s_counter;

    public RecoveryOptions Options { get; }
    public SimulatedMachine Machine { get; }

    /// <summary>The hypervisor's config access (the machine's ECAM, checked for requests before readiness).</summary>
    public ReadinessCheckedConfig Config { get; }
    public TestGic Gic { get; }
    public TestVirtualPci VirtualPci { get; }
    public TestOwners Owners { get; }
    public RecordingSink Sink { get; }
    public GuestChannelHub Hub { get; }
    public SqliteRasLog RasLog { get; }
    public CapabilityCache Capabilities { get; }
    public ConfigSnapshotStore Snapshots { get; }
    public PciTopology Topology { get; }
    public TopologyRecoveryView View { get; }
    public RecoveryCoordinator Coordinator { get; }
    public DurableTimeline Timeline { get; }
    public NativeAerHandler? Native { get; private set; }

    /// <summary>
    /// Native AER as the hypervisor sets it up: SERR and the Device Control reporting enables on every
    /// PCIe function, Root Error Command enables at root ports and RCECs, and the handler on each
    /// one's wired interrupt.
    /// </summary>
    public void EnableNativeAer()
    {
        IConfigAccess config = Config;
        var intake = new ErrorIntake(Timeline, new CorrectableErrorLimiter(10, SimTime.FromSeconds(1)), Coordinator);
        Native = new NativeAerHandler(config, Capabilities, new AerSourceLocator(config, Capabilities, View),
            new AerDeviceLogReader(config, Capabilities, View), intake);
        foreach (var f in Machine.Fabric.AllFunctions())
        {
            if (!f.IsPcie || f.Removed) continue;
            config.Write(f.Address, ConfigHeader.Command, 2, config.Read(f.Address, ConfigHeader.Command, 2) | ConfigHeader.CommandSerrEnable);
            int devCtl = f.PcieCapability + PciExpressCapability.DeviceControl;
            config.Write(f.Address, devCtl, 2, config.Read(f.Address, devCtl, 2) | 0x7);
            if (!f.HasRootErrorRegisters || f.AerCapability == 0) continue;
            config.Write(f.Address, f.AerCapability + AerCapability.RootErrorCommand, 4, 0x7);
            if (!f.FirmwareFirst && f.WiredInterrupt is uint spi) Native.Attach(Machine.Gic, f.Address, spi);
        }
    }

    public SimTime Now => Machine.EventLoop.Now;

    public Sbdf this[string name] => Machine.FunctionsByName.TryGetValue(name, out var f) ? f.Address
        : Machine.Fabric.AllFunctions().Single(x => x.Name == name).Address; // VFs are named "<pf>-vf<n>" by the simulator

    /// <summary>Gives a function to a domain driven by a guest driver model (its state saved as assignment would).</summary>
    public GuestDriverModel Assign(string function, DomainId domain, GuestDriverProfile profile)
    {
        var physical = this[function];
        var guest = new GuestDriverModel(domain, profile, Machine.EventLoop) { Hypervisor = VirtualPci, AerVirtualIntId = TestVirtualPci.AerVirtualIntId };
        Hub.Add(domain, guest);
        var virtualDevice = new Sbdf(0, 1, 0, 0);
        VirtualPci.AddGuestDevice(domain, virtualDevice);
        Owners.Owners[physical] = new DeviceOwner(domain, virtualDevice, physical.RequesterId.Value, GuestNotificationStyle.VirtualRootPort, TestVirtualPci.VirtualRootPort);
        Machine.Iommu.Attach(physical.RequesterId.Value, domain);
        Snapshots.Save(physical);
        guest.AddDevice(virtualDevice, TestVirtualPci.VirtualRootPort, physical);
        return guest;
    }

    /// <summary>An uncorrectable error accepted by the intake (logged) reaches the coordinator now.</summary>
    public void Raise(string function, ErrorSeverity severity) =>
        Coordinator.OnUncorrectable(new ErrorReport(Now, ErrorOrigin.NativeAer, DeviceErrorLog.Unread(this[function], severity), ++_rasId));

    public void RunUntil(SimTime t) => Machine.EventLoop.RunUntil(t);

    public TimelineEvent Single(string kind, Sbdf? device = null) => Sink.Events.Single(e => e.Kind == kind && (device is null || e.Device == device));

    public void Dispose()
    {
        RasLog.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(_dbPath + suffix)) File.Delete(_dbPath + suffix);
    }
}
