using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using System.Buffers.Binary;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.FabricConfigSpaces;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// Error handling and recovery wired over test fakes: two root ports, three functions sharing bus 1
/// (so several owners share one reset scope) and one on bus 2; guests are the real guest driver
/// models. TODO(issue 6): replace the fakes by the simulator and the Hypervisor facade once merged.
/// </summary>
public sealed class RecoveryRig : IDisposable
{
    public static readonly Sbdf Rp1 = new(0, 0, 1, 0);
    public static readonly Sbdf Rp2 = new(0, 0, 2, 0);
    public static readonly Sbdf A = new(0, 1, 0, 0);
    public static readonly Sbdf B = new(0, 1, 0, 1);
    public static readonly Sbdf C = new(0, 1, 0, 2);
    public static readonly Sbdf D = new(0, 2, 0, 0);
    public const uint Rp1Spi = 40, Rp2Spi = 41, GhesSpi = 60;
    public const ulong GhesCell = 0x1000_0000, GhesAck = 0x1000_0008, GhesBlock = 0x1000_1000;

    private readonly Dictionary<DomainId, int> _nextVirtualSlot = [];
    private readonly string _dbPath;

    public RecoveryRig(RecoveryOptions? options = null, int correctableBurst = 10)
    {
        Options = options ?? new RecoveryOptions();
        Loop = new TestEventLoop();
        Fabric = new TestFabric(Loop);
        Fabric.Add(Rp1, RootPort(1));
        Fabric.Add(Rp2, RootPort(2, 0x1002));
        foreach (var (f, id) in new[] { (A, (ushort)0xA000), (B, (ushort)0xB000), (C, (ushort)0xC000) })
            Fabric.Add(f, Endpoint(id, multiFunction: true), Rp1);
        Fabric.Add(D, Endpoint(0xD000, false), Rp2);
        foreach (var f in new[] { A, B, C, D })
        {
            // What the owner's driver set up: BAR placed, memory decoding and bus mastering on.
            Fabric[f].Config.Write(ConfigHeader.Bar0, 4, 0xE000_0000 + ((uint)(f.RequesterId.Value & 0xFF) << 24));
            Fabric[f].Config.Write(ConfigHeader.Command, 2, ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster);
        }
        Iommu = new TestIommu(Loop);
        Gic = new TestGic();
        Owners = new TestOwners();
        Sink = new RecordingSink();
        Memory = new TestMemory();
        Firmware = new TestFirmware();
        VirtualPci = new TestVirtualPci(Gic);
        Dma = new TestDma(Loop, Iommu);
        Hub = new GuestChannelHub();
        _dbPath = Path.Combine(Path.GetTempPath(), $"bk-ras-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}.db");
        RasLog = new SqliteRasLog(_dbPath, fullSync: false);
        Timeline = new DurableTimeline(RasLog, Sink, Loop);
        Capabilities = new CapabilityCache(Fabric);
        Notifier = new GuestErrorNotifier(VirtualPci);
        Snapshots = new ConfigSnapshotStore(Fabric, Capabilities, Options.AerNative);
        var context = Context = new RecoveryContext(Fabric, Loop, Iommu, Hub, Owners, Notifier, Timeline, Snapshots, Capabilities, Options);
        // The topology snapshot the hypervisor would hold, built from the same config spaces.
        Topology = PciTopology.FromFunctions(new[] { Rp1, Rp2, A, B, C, D }.Select(f => new FunctionConfig(f, Fabric[f].Config)));
        View = new TopologyRecoveryView(() => Topology);
        Coordinator = new RecoveryCoordinator(context, View);
        VirtualPci.Recovery = Coordinator;
        Intake = new ErrorIntake(Timeline, new CorrectableErrorLimiter(correctableBurst, SimTime.FromSeconds(1)), Coordinator);
        Native = new NativeAerHandler(Fabric, Capabilities, new AerSourceLocator(Fabric, Capabilities, View),
            new AerDeviceLogReader(Fabric, Capabilities, View), Intake);
        Ghes = new GhesErrorHandler(Memory, Loop, Intake, new GhesDuplicateFilter());
        GhesRouter = new GhesNotificationRouter(Ghes, Gic, Firmware, Loop);
        if (Options.AerNative)
        {
            Native.Attach(Gic, Rp1, Rp1Spi);
            Native.Attach(Gic, Rp2, Rp2Spi);
        }
        foreach (var f in new[] { A, B, C, D }) Iommu.Attach(f.RequesterId.Value, DomainId.Quarantine);
    }

    private static int s_counter;

    public RecoveryOptions Options { get; }
    public PciTopology Topology { get; }
    public TopologyRecoveryView View { get; }
    public TestEventLoop Loop { get; }
    public TestFabric Fabric { get; }
    public TestIommu Iommu { get; }
    public TestGic Gic { get; }
    public TestOwners Owners { get; }
    public RecordingSink Sink { get; }
    public TestMemory Memory { get; }
    public TestFirmware Firmware { get; }
    public TestVirtualPci VirtualPci { get; }
    public TestDma Dma { get; }
    public GuestChannelHub Hub { get; }
    public SqliteRasLog RasLog { get; }
    public string DatabasePath => _dbPath;
    public DurableTimeline Timeline { get; }
    public CapabilityCache Capabilities { get; }
    public GuestErrorNotifier Notifier { get; }
    public ConfigSnapshotStore Snapshots { get; }
    public RecoveryCoordinator Coordinator { get; }
    public RecoveryContext Context { get; }
    public ErrorIntake Intake { get; }
    public NativeAerHandler Native { get; }
    public GhesErrorHandler Ghes { get; }
    public GhesNotificationRouter GhesRouter { get; }
    public Dictionary<DomainId, GuestDriverModel> Guests { get; } = [];

    /// <summary>Assigns a physical function to a domain driven by a guest driver model.</summary>
    public GuestDriverModel Assign(Sbdf physical, DomainId domain, GuestDriverProfile profile, GuestNotificationStyle style = GuestNotificationStyle.VirtualRootPort)
    {
        if (!Guests.TryGetValue(domain, out var guest))
        {
            guest = new GuestDriverModel(domain, profile, Loop) { Hypervisor = VirtualPci, Dma = Dma, AerVirtualIntId = TestVirtualPci.AerVirtualIntId };
            Guests[domain] = guest;
            Hub.Add(domain, guest);
            Gic.RouteGuest(domain, guest.OnVirtualInterrupt);
        }
        int slot = _nextVirtualSlot[domain] = _nextVirtualSlot.GetValueOrDefault(domain) + 1;
        var virtualDevice = new Sbdf(0, 1, slot - 1, 0);
        VirtualPci.AddGuestDevice(domain, virtualDevice);
        Owners.Owners[physical] = new DeviceOwner(domain, virtualDevice, physical.RequesterId.Value, style, TestVirtualPci.VirtualRootPort);
        Iommu.Attach(physical.RequesterId.Value, domain);
        Snapshots.Save(physical);
        guest.AddDevice(virtualDevice, TestVirtualPci.VirtualRootPort, physical);
        return guest;
    }

    /// <summary>Option (a): gives the domain a virtual GHES mailbox and its guest the matching view.</summary>
    public VirtualGhesMailbox AddVirtualGhes(DomainId domain, uint virtualIntId = 101)
    {
        var mailbox = new VirtualGhesMailbox(domain, 0x4000_0000, virtualIntId, Gic);
        Notifier.AddMailbox(mailbox);
        Guests[domain].Ghes = new GuestGhesView(mailbox, mailbox.ErrorStatusAddress, mailbox.ReadAckAddress, virtualIntId);
        return mailbox;
    }

    /// <summary>Native path: the device reports, its root port interrupts.</summary>
    public void RaiseNative(Sbdf device, uint uncorrectableBits)
    {
        Fabric.InjectUncorrectable(device, uncorrectableBits);
        Gic.Raise(Fabric.RootOf(Fabric[device]).Address == Rp1 ? Rp1Spi : Rp2Spi);
    }

    public void RaiseNativeCorrectable(Sbdf device, uint bits)
    {
        Fabric.InjectCorrectable(device, bits);
        Gic.Raise(Fabric.RootOf(Fabric[device]).Address == Rp1 ? Rp1Spi : Rp2Spi);
    }

    public GhesSourceDescriptor GhesSource(NotificationType kind, uint vector = GhesSpi, uint pollMs = 0) =>
        new(1, kind, vector, pollMs, GhesCell, 4096, new GhesReadAckRegister(GhesAck, 64, 0, ~1UL, 1));

    /// <summary>Firmware-first path: firmware writes a CPER PCIe section into the GHES block (it owns the AER registers).</summary>
    public byte[] FirmwareWritesGhes(Sbdf device, uint cperSeverity, byte flags, uint uncorStatus, uint uncorSeverity = AerCapability.DefaultSeverity)
    {
        var log = new DeviceErrorLog(device, ErrorSeverity.NonFatal, true, uncorStatus, 0, uncorSeverity, 0, 0,
            System.Numerics.BitOperations.TrailingZeroCount(uncorStatus), [0x4000_0001, 0, 0, 0]);
        var block = GhesPcieErrorBlockWriter.Write(new GhesPcieErrorBlockWriter.Request((ushort)device.Segment, device.Bus,
            (byte)device.Device, (byte)device.Function, 0x1BAD, 0xA000, 0x020000, 0, AerRegisterBlob.Registers(log),
            (Bridgekeeper.Firmware.Cper.CperSeverity)cperSeverity, (byte)(0x01 | flags)));
        Memory.Write(GhesBlock, block);
        Span<byte> cell = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(cell, GhesBlock);
        Memory.Write(GhesCell, cell);
        Memory.Write(GhesAck, new byte[8]);
        return block;
    }

    public void Run(long ms) => Loop.RunFor(SimTime.FromMilliseconds(ms));

    public void Dispose()
    {
        RasLog.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(_dbPath + suffix)) File.Delete(_dbPath + suffix);
    }
}

