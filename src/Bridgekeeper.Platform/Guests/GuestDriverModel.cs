using System.Buffers.Binary;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Guests;

/// <summary>
/// A guest's PCI error handling as a model: it receives the recovery channel's requests
/// (<see cref="IGuestChannel"/>), answers through <see cref="IHypervisorEntry"/> after its profile's
/// delay on the simulator's event loop, quiesces (a trapped SBR write to its virtual root port, as a
/// Linux guest's pci_reset_secondary_bus would do, or the explicit call), and reacts to virtual
/// interrupts: for option (b) it reads and clears its virtual root port's and device's AER registers
/// (only virtual registers, through trapped config accesses); for option (a) it consumes the virtual
/// GHES block and acknowledges it (GHESv2 read-ack, ACPI 6.5 §18.3.2.8).
/// </summary>
public sealed class GuestDriverModel(DomainId domain, GuestDriverProfile profile, ITimerQueue timers) : IGuestChannel
{
    private const int AerRootErrorStatus = 0x30;
    private const int AerErrorSourceId = 0x34;
    private const int AerUncorStatus = 0x04;
    private const int AerCorStatus = 0x10;
    private const ushort SecondaryBusReset = 0x0040;

    private readonly Dictionary<Sbdf, Sbdf> _rootPortOf = [];
    private readonly Dictionary<Sbdf, Sbdf> _physicalOf = [];
    private readonly List<GuestRequest> _received = [];
    private readonly List<(uint RootStatus, uint SourceId, uint UncorStatus, uint CorStatus)> _aerSeen = [];
    private readonly List<byte[]> _ghesSeen = [];

    public DomainId Domain { get; } = domain;

    // The quiesce timer's label, formatted once (the domain never changes).
    private string QuiesceLabel => _quiesceLabel ??= $"{Domain}-quiesce";

    private string? _quiesceLabel;

    public GuestDriverProfile Profile { get; } = profile;

    /// <summary>Set once the hypervisor exists (it is built after its guests' channels).</summary>
    public IHypervisorEntry? Hypervisor { get; set; }

    public IGuestDmaEngine? Dma { get; set; }

    public GuestGhesView? Ghes { get; set; }

    /// <summary>The virtual interrupt of the guest's virtual root ports (option (b)).</summary>
    public uint? AerVirtualIntId { get; set; }

    public IReadOnlyList<GuestRequest> Received => _received;

    public IReadOnlyList<(uint RootStatus, uint SourceId, uint UncorStatus, uint CorStatus)> AerSeen => _aerSeen;

    public IReadOnlyList<byte[]> GhesSeen => _ghesSeen;

    public int QuiesceSignals { get; private set; }

    public bool DeviceLost { get; private set; }

    /// <summary>Declares a device this guest drives: its virtual address, the virtual root port above it, and (for DMA) its physical function.</summary>
    public void AddDevice(Sbdf virtualDevice, Sbdf? virtualRootPort, Sbdf physical)
    {
        if (virtualRootPort is Sbdf rp) _rootPortOf[virtualDevice] = rp;
        _physicalOf[virtualDevice] = physical;
        Dma?.SetRunning(physical, true);
    }

    public void Send(GuestRequest request)
    {
        _received.Add(request);
        switch (request.Kind)
        {
            case GuestRequestKind.ErrorDetected:
                Answer(request, Profile.DetectedVote);
                if (Profile.Answers && (Profile.DetectedVote == RecoveryVote.NeedReset || request.Severity == ErrorSeverity.Fatal)
                    && Profile.DetectedVote is not (RecoveryVote.Disconnect or RecoveryVote.NoAerDriver))
                    timers.Schedule(Profile.QuiesceTime, () => Quiesce(request), QuiesceLabel);
                break;
            case GuestRequestKind.ResetPending:
                // "Stop I/O, a reset is coming": the same quiesce as for a reset it asked for itself.
                if (Profile.Answers) timers.Schedule(Profile.QuiesceTime, () => Quiesce(request), QuiesceLabel);
                break;
            case GuestRequestKind.MmioEnabled: Answer(request, Profile.MmioVote); break;
            case GuestRequestKind.SlotReset: Answer(request, Profile.SlotResetVote); break;
            case GuestRequestKind.Resume: Dma?.SetRunning(request.PhysicalDevice, true); break;
            case GuestRequestKind.DeviceRemoved or GuestRequestKind.PermanentFailure:
                DeviceLost = true;
                Dma?.SetRunning(request.PhysicalDevice, false);
                break;
        }
    }

    /// <summary>A virtual interrupt arrived in one of this guest's list registers.</summary>
    public void OnVirtualInterrupt(uint virtualIntId)
    {
        if (Ghes is { } g && virtualIntId == g.VirtualIntId) ConsumeGhes(g);
        else if (virtualIntId == AerVirtualIntId) foreach (var (dev, rp) in _rootPortOf) ReadVirtualAer(dev, rp);
    }

    private void Answer(GuestRequest request, RecoveryVote vote)
    {
        if (!Profile.Answers) return;
        timers.Schedule(Profile.ReplyDelay, () => Entry.Reply(Domain, request.Id, vote), $"{Domain}-reply-{request.Id}");
    }

    private void Quiesce(GuestRequest request)
    {
        if (DeviceLost) return;
        if (!Profile.KeepsDmaAfterQuiesce) Dma?.SetRunning(request.PhysicalDevice, false);
        QuiesceSignals++;
        if (Profile.QuiescesBySbrWrite && _rootPortOf.TryGetValue(request.VirtualDevice, out var rp))
        {
            // What Linux's pci_reset_secondary_bus does: set SBR, wait, clear it. Trapped by vPCI.
            uint bc = Entry.ConfigRead(Domain, rp, 0x3E, 2);
            Entry.ConfigWrite(Domain, rp, 0x3E, 2, bc | SecondaryBusReset);
            timers.Schedule(SimTime.FromMilliseconds(2), () => Entry.ConfigWrite(Domain, rp, 0x3E, 2, bc & ~(uint)SecondaryBusReset), $"{Domain}-sbr-clear");
        }
        else
        {
            Entry.Quiesced(Domain, request.VirtualDevice);
        }
    }

    private void ReadVirtualAer(Sbdf device, Sbdf rootPort)
    {
        int? rpAer = FindAer(rootPort);
        if (rpAer is not int ra) return;
        uint rootStatus = Entry.ConfigRead(Domain, rootPort, ra + AerRootErrorStatus, 4);
        if ((rootStatus & 0x7F) == 0) return;
        uint sourceId = Entry.ConfigRead(Domain, rootPort, ra + AerErrorSourceId, 4);
        Entry.ConfigWrite(Domain, rootPort, ra + AerRootErrorStatus, 4, rootStatus);
        uint uncor = 0, cor = 0;
        if (FindAer(device) is int da)
        {
            uncor = Entry.ConfigRead(Domain, device, da + AerUncorStatus, 4);
            cor = Entry.ConfigRead(Domain, device, da + AerCorStatus, 4);
            Entry.ConfigWrite(Domain, device, da + AerUncorStatus, 4, uncor);
            Entry.ConfigWrite(Domain, device, da + AerCorStatus, 4, cor);
        }
        _aerSeen.Add((rootStatus, sourceId, uncor, cor));
    }

    private void ConsumeGhes(GuestGhesView g)
    {
        Span<byte> cell = stackalloc byte[8];
        g.Memory.Read(g.ErrorStatusAddress, cell);
        ulong block = BinaryPrimitives.ReadUInt64LittleEndian(cell);
        Span<byte> header = stackalloc byte[20];
        g.Memory.Read(block, header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) == 0) return;
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        var record = new byte[20 + dataLength];
        g.Memory.Read(block, record);
        _ghesSeen.Add(record);
        g.Memory.Write(block, stackalloc byte[4]);                 // block_status = 0
        Span<byte> ack = stackalloc byte[8];
        g.Memory.Read(g.ReadAckAddress, ack);
        ulong value = (BinaryPrimitives.ReadUInt64LittleEndian(ack) & ~1UL) | 1UL; // preserve ~1, write 1 (QEMU's masks)
        BinaryPrimitives.WriteUInt64LittleEndian(ack, value);
        g.Memory.Write(g.ReadAckAddress, ack);
    }

    /// <summary>Walks the extended capability list of a virtual function for AER (PCIe Base 6.0 §7.6), as a guest kernel would.</summary>
    private int? FindAer(Sbdf function)
    {
        int where = 0x100;
        for (int ttl = 0; where >= 0x100 && ttl < 480; ttl++)
        {
            uint header = Entry.ConfigRead(Domain, function, where, 4);
            if (header is 0 or 0xFFFF_FFFF) return null;
            if ((header & 0xFFFF) == 0x0001) return where;
            where = (int)(header >> 20) & ~3;
        }
        return null;
    }

    private IHypervisorEntry Entry => Hypervisor ?? throw new InvalidOperationException($"{Domain}: guest model has no hypervisor entry yet");
}
