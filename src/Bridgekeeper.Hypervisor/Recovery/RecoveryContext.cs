using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.RasLog;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>The ports and settings every recovery uses, gathered once by the coordinator.</summary>
public sealed class RecoveryContext(
    IConfigAccess config,
    ITimerQueue timers,
    IIommu iommu,
    IGuestChannel channel,
    IOwnerDirectory owners,
    GuestErrorNotifier notifier,
    DurableTimeline timeline,
    ConfigSnapshotStore snapshots,
    CapabilityCache capabilities,
    RecoveryOptions options)
{
    private readonly Dictionary<long, (RecoveryProcess Process, RecoveryParticipant Participant)> _requests = [];
    private long _nextRequest;

    public IConfigAccess Config { get; } = config;
    public ITimerQueue Timers { get; } = timers;
    public IIommu Iommu { get; } = iommu;
    public IGuestChannel Channel { get; } = channel;
    public IOwnerDirectory Owners { get; } = owners;
    public GuestErrorNotifier Notifier { get; } = notifier;
    public DurableTimeline Timeline { get; } = timeline;
    public ConfigSnapshotStore Snapshots { get; } = snapshots;
    public CapabilityCache Capabilities { get; } = capabilities;
    public RecoveryOptions Options { get; } = options;

    /// <summary>Restores physical MSI/MSI-X after a reset (set by the composition from the core's object; none: only the saved MSI registers and MSI-X control word).</summary>
    public IInterruptStateRestorer? InterruptState { get; set; }

    /// <summary>Sends a request to a participant's owner and remembers whom it belongs to.</summary>
    public long Send(RecoveryProcess process, RecoveryParticipant p, GuestRequestKind kind, Bridgekeeper.Pci.ErrorSeverity severity)
    {
        var owner = p.Owner ?? throw new InvalidOperationException($"{p.Function} has no owner to send {kind} to");
        long id = ++_nextRequest;
        _requests[id] = (process, p);
        Channel.Send(new GuestRequest(id, owner.Domain, owner.VirtualDevice, p.Function, kind, severity));
        return id;
    }

    /// <summary>Outstanding requests of <paramref name="from"/> now belong to <paramref name="to"/>'s participant for the same function.</summary>
    public void Retarget(RecoveryProcess from, RecoveryProcess to)
    {
        foreach (var (id, entry) in _requests.ToArray())
        {
            if (entry.Process != from) continue;
            var moved = to.Participants.Find(p => p.Function == entry.Participant.Function);
            if (moved is null) _requests.Remove(id);
            else _requests[id] = (to, moved);
        }
    }

    public bool TryTakeRequest(long id, out RecoveryProcess process, out RecoveryParticipant participant)
    {
        if (_requests.Remove(id, out var entry)) { (process, participant) = entry; return true; }
        process = null!;
        participant = null!;
        return false;
    }
}
