using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Receives uncorrectable errors and owners' answers and routes each to the recovery of its scope:
/// one <see cref="RecoveryProcess"/> per reset scope at a time; an error inside a scope under
/// recovery is that recovery's second error. The hypervisor facade forwards IHypervisorEntry.Reply,
/// IHypervisorEntry.Quiesced and the trapped guest SBR write (IRecoveryHooks) here.
/// </summary>
public sealed class RecoveryCoordinator(RecoveryContext context, IRecoveryScopeProvider scopes) : IUncorrectableErrorSink, IRecoveryHooks
{
    private readonly List<RecoveryProcess> _active = [];
    private readonly List<RecoveryProcess> _history = [];
    private readonly List<ErrorReport> _deferred = [];

    public IReadOnlyList<RecoveryProcess> History => _history;

    public long LateOrUnknownReplies { get; private set; }

    /// <summary>
    /// Errors whose scope covers a recovery that has already reset its own scope, waiting for it to
    /// finish (its reset cannot be undone or merged); each then starts its own recovery.
    /// </summary>
    public IReadOnlyList<ErrorReport> Deferred => _deferred;

    /// <summary>
    /// An error inside a running recovery's scope is that recovery's second error. An error whose
    /// scope covers running recoveries (an error at a switch's upstream port while one of its
    /// downstream ports recovers) starts one recovery that absorbs them, so the outer reset covers
    /// the inner one and there is no second reset (PCIe Base 6.0 §7.5.1.3.13: the SBR resets the
    /// whole hierarchy below); if one of them already reset, the error waits for it to finish.
    /// </summary>
    public void OnUncorrectable(ErrorReport report)
    {
        Retire();
        foreach (var p in _active)
            if (p.Scope.Contains(report.Device)) { p.OnSecondError(report); Retire(); return; }
        var scope = scopes.ScopeOf(report.Device);
        var covered = _active.FindAll(p => scope.Covers(p.Scope));
        if (covered.Exists(p => p.ResetStarted)) { _deferred.Add(report); return; }
        // A recovery may end inside a timer callback (nobody left to answer): errors waiting for it
        // must not wait for the next reply too. Retired on the next turn, never while iterating.
        var process = new RecoveryProcess(context, scope, report) { Finished = () => context.Timers.Schedule(SimTime.Zero, Retire, "recovery-retire") };
        foreach (var inner in covered) process.Absorb(inner);
        _active.Add(process);
        _history.Add(process);
        process.Start();
        Retire();
    }

    public void Reply(DomainId domain, long requestId, RecoveryVote vote)
    {
        if (!context.TryTakeRequest(requestId, out var process, out var participant) || participant.Owner?.Domain != domain || process.IsFinished)
        {
            LateOrUnknownReplies++;
            return;
        }
        if (!process.OnReply(participant, requestId, vote)) LateOrUnknownReplies++;
        Retire();
    }

    /// <summary>The explicit call: the domain's drivers for <paramref name="virtualDevice"/> stopped all I/O.</summary>
    public bool Quiesced(DomainId domain, Sbdf virtualDevice) => MarkQuiesced(domain, virtualDevice, "explicit call");

    /// <summary>
    /// A guest wrote SBR = 1 in its virtual root port's Bridge Control (trapped by vPCI): the signal
    /// that every driver below that port has quiesced. The hypervisor, not the guest, does the reset.
    /// </summary>
    public bool OnGuestRequestedSecondaryBusReset(DomainId domain, Sbdf virtualDeviceOrPort) =>
        MarkQuiesced(domain, virtualDeviceOrPort, "trapped SBR write");

    void IRecoveryHooks.OnGuestRequestedSecondaryBusReset(DomainId domain, Sbdf virtualDevice) => OnGuestRequestedSecondaryBusReset(domain, virtualDevice);

    void IRecoveryHooks.OnGuestReply(DomainId domain, long requestId, RecoveryVote vote) => Reply(domain, requestId, vote);

    void IRecoveryHooks.OnGuestQuiesced(DomainId domain, Sbdf virtualDevice) => Quiesced(domain, virtualDevice);

    public bool IsRecovering(Sbdf function)
    {
        foreach (var p in _active) if (!p.IsFinished && p.Scope.Contains(function)) return true;
        return false;
    }

    private bool MarkQuiesced(DomainId domain, Sbdf virtualAddress, string how)
    {
        bool any = false;
        foreach (var process in _active.ToArray())
            foreach (var part in process.Participants)
                if (part.Owner is { } o && o.Domain == domain && (o.VirtualDevice == virtualAddress || o.VirtualRootPort == virtualAddress))
                {
                    process.OnQuiesced(part, how);
                    any = true;
                }
        Retire();
        return any;
    }

    private void Retire()
    {
        if (_active.RemoveAll(p => p.IsFinished) == 0 || _deferred.Count == 0) return;
        var waiting = _deferred.ToArray();
        _deferred.Clear();
        foreach (var report in waiting) OnUncorrectable(report);
    }
}
