using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.RasLog.DurableTimeline;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// One recovery of one reset scope, Linux's <c>pcie_do_recovery</c> (drivers/pci/pcie/err.c) with the
/// hypervisor doing the reset: error_detected to every owner; mmio_enabled when all can recover
/// without reset; otherwise wait for every owner to quiesce, block the scope's DMA, assert SBR, hold,
/// deassert, wait for readiness as PCIe Base 6.0 §6.6.1 allows, restore config, slot_reset, unblock
/// DMA, resume. Every wait has a virtual-time timeout. Owners are judged one by one: one silent or
/// handler-less owner loses its own device, never another owner's. States and transitions are in
/// <see cref="RecoveryTransitions"/>; <see cref="Step"/> is the only place the state changes.
/// This file holds the inputs, the state machine and the owner steps; the reset is in
/// RecoveryProcess.Reset.cs, the bring-up after it (link, readiness, restore bus by bus) in
/// RecoveryProcess.BringUp.cs, the VFs in RecoveryProcess.VirtualFunctions.cs.
/// </summary>
public sealed partial class RecoveryProcess
{
    private readonly RecoveryContext _ctx;
    private readonly Queue<RecoveryTrigger> _triggers = new();
    private readonly List<DeviceErrorLog> _errors = [];
    private readonly Dictionary<Sbdf, RecoveryParticipant> _pfOfVf = [];
    // Bring-up below the reset bridge goes bus by bus, top-down (Linux pci_bus_restore_locked): a
    // bridge inside the scope lost its bus numbers in the reset, so what sits below it can be reached
    // only once it is ready and restored. _parentOf: the bridge each function sits under.
    private readonly Dictionary<Sbdf, Sbdf> _parentOf = [];
    private readonly Queue<Sbdf> _levels = new();
    private readonly Dictionary<Sbdf, SimTime> _linkSeenUpAt = [];
    private Sbdf _level;
    private SimTime _levelStartedAt, _levelFloorEnd, _deeperFloor, _vfEnabledAt;
    private bool _stepping, _dmaBlocked, _sbrAsserted, _linkLost, _drs, _drsReceived;
    private long _epoch;
    private TimerHandle _timer = TimerHandle.None;
    private readonly Stack<ArmedTimer> _spareTimers = new();
    private SimTime _deassertedAt, _pollInterval;
    // What the spec minimum is built from (RecoverySpecMinimum): owner waits, and lower bounds of
    // DL_Up and of the instant every function was ready, from the polls that still saw them not.
    private readonly SimTime _detectedAt;
    // The tag every event of this recovery carries (see Tagged), formatted once.
    private readonly KeyValuePair<string, object?> _recoveryTag;
    private SimTime _ownerWaitSince, _ownerWaits, _linkDownSeenAt, _linkUpAt, _linkTraining, _readyLowerBound, _vfWait;

    public RecoveryProcess(RecoveryContext ctx, RecoveryScope scope, ErrorReport first)
    {
        _ctx = ctx;
        _detectedAt = ctx.Timers.Now;
        Scope = scope;
        First = first;
        _recoveryTag = D("recovery", first.Device.ToString());
        Severity = first.Severity;
        _errors.Add(first.Log);
        // PFs first: their saved SR-IOV state names the VFs, whose Vendor ID reads 0xFFFF (§9.3.4.1.1)
        // so the store would not capture them by probing; their presence shows in Command/Status.
        var vfs = new HashSet<Sbdf>();
        foreach (var f in scope.Functions)
            if (ctx.Snapshots.GetOrCapture(f) is { EnablesVirtualFunctions: true } pf)
                foreach (var vf in pf.VirtualFunctions()) vfs.Add(vf);
        foreach (var f in scope.Functions)
        {
            var snapshot = ctx.Snapshots.GetOrCapture(f) ?? (vfs.Contains(f) ? ctx.Snapshots.GetOrCaptureVirtualFunction(f) : null);
            Participants.Add(new RecoveryParticipant(f, ctx.Owners.OwnerOf(f), snapshot));
        }
        foreach (var p in Participants)
            if (p.Snapshot is { EnablesVirtualFunctions: true } pf)
                foreach (var vf in pf.VirtualFunctions()) _pfOfVf.TryAdd(vf, p);
        var bridgeOfBus = new Dictionary<(uint, byte), Sbdf>();
        foreach (var p in Participants)
            if (p.Snapshot is { IsBridge: true } b && p.Function != scope.Bridge) bridgeOfBus.TryAdd((p.Function.Segment, b.SecondaryBus), p.Function);
        foreach (var p in Participants)
            _parentOf[p.Function] = bridgeOfBus.TryGetValue((p.Function.Segment, p.Function.Bus), out var parent) ? parent : scope.Bridge;
        _level = scope.Bridge;
    }

    public RecoveryScope Scope { get; }

    public ErrorReport First { get; }

    /// <summary>Fatal ("frozen") once any error in the scope is fatal: the scope is then always reset.</summary>
    public ErrorSeverity Severity { get; private set; }

    public RecoveryState State { get; private set; } = RecoveryState.Detected;

    public List<RecoveryParticipant> Participants { get; } = [];

    public bool IsFinished => State is RecoveryState.Complete or RecoveryState.Failed or RecoveryState.Superseded;

    /// <summary>Called once the recovery reached an end (complete, failed or taken over), after that step's actions.</summary>
    public Action? Finished { get; set; }

    /// <summary>True once DMA is blocked for the reset: from then on the scope's reset cannot be merged into another.</summary>
    public bool ResetStarted => _dmaBlocked;

    /// <summary>The least time the spec allows for what this recovery did (final once it finished).</summary>
    public RecoverySpecMinimum SpecMinimum => new(_ownerWaits, _dmaBlocked, Scope.IsFunctionLevel ? SimTime.Zero : RecoverySpecMinimum.ResetHold, _linkTraining,
        (_readyLowerBound > _linkUpAt ? _readyLowerBound - _linkUpAt : SimTime.Zero) + _deeperFloor, _vfWait);

    /// <summary>Whether the readiness wait ended on the DRS Message (both ends support DRS, §6.22.1).</summary>
    public bool DrsReceived => _drsReceived;

    public void Start() => Fire(RecoveryTrigger.Start);

    /// <summary>
    /// Takes over a recovery of a scope this one covers, before either reset: one reset (this one)
    /// serves both. Its errors join this one; each of its functions keeps what its owner already
    /// said (vote, quiesce, an outstanding request now answered here), so that owner is not asked
    /// error_detected twice; the owners of the rest of this scope are asked as usual.
    /// </summary>
    public void Absorb(RecoveryProcess inner)
    {
        if (inner.ResetStarted) throw new InvalidOperationException($"recovery of {inner.Scope.Bridge} already reset: it cannot be absorbed");
        _errors.AddRange(inner._errors);
        if (inner.Severity == ErrorSeverity.Fatal) Severity = ErrorSeverity.Fatal;
        foreach (var ip in inner.Participants)
        {
            var p = Participants.Find(x => x.Function == ip.Function);
            if (p is null) continue;
            p.Carried = ip.Owner is not null && ip.Fate == ParticipantFate.Active;
            p.LastVote = ip.LastVote;
            p.PendingRequest = ip.PendingRequest;
            p.Silent = ip.Silent;
            p.Quiesced = ip.Quiesced;
            p.ExpectsReset = ip.ExpectsReset;
            p.MustQuiesce = ip.MustQuiesce;
            if (ip.Fate != ParticipantFate.Active) p.Fate = ip.Fate;
        }
        _ctx.Retarget(inner, this);
        inner.Fire(RecoveryTrigger.TakenOver);
        inner.EmitScope(EventKinds.RecoveryMerged, $"taken over by the recovery of {Scope.Bridge} (one reset for both)", D("merged_into", First.Device.ToString()));
    }

    // ---- inputs -------------------------------------------------------------------------------

    /// <summary>
    /// Another uncorrectable error in the scope. Before the reset, an error on a function that had
    /// not failed yet joins this recovery (the same reset covers it); a function failing again is
    /// not trusted: it alone is quarantined and its owner told, the other owners go on (issue 6:
    /// "no other owner is disturbed"). Once the reset has started, any error fails the recovery.
    /// </summary>
    public void OnSecondError(ErrorReport report)
    {
        bool again = FirstErrorOf(report.Device) is not null;
        _errors.Add(report.Log);
        if (report.Severity == ErrorSeverity.Fatal) Severity = ErrorSeverity.Fatal;
        if (_dmaBlocked || IsFinished) { Fire(RecoveryTrigger.SecondError); return; }
        if (!again) return;
        foreach (var p in Participants)
            if (p.Function == report.Device && p.Fate == ParticipantFate.Active) End(p, ParticipantFate.Failed, "another error during recovery");
        if (Count(ParticipantFate.Active) == 0) { Fire(RecoveryTrigger.SecondError); return; }
        if (State == RecoveryState.AwaitingQuiesce && AllQuiesced()) Fire(RecoveryTrigger.AllQuiesced);
        else if (State is RecoveryState.AwaitingDetectedVotes or RecoveryState.AwaitingMmioVotes && AllAnswered()) VotesIn();
    }

    /// <summary>An owner's answer; false when it came too late (the step already timed out).</summary>
    public bool OnReply(RecoveryParticipant p, long requestId, RecoveryVote vote)
    {
        if (p.PendingRequest != requestId) return false;
        p.PendingRequest = 0;
        p.LastVote = vote;
        // It asked for the reset at error_detected: its driver stops I/O by itself (Linux drivers do).
        if (State == RecoveryState.AwaitingDetectedVotes && vote == RecoveryVote.NeedReset) p.ExpectsReset = true;
        Emit(EventKinds.OwnerVote, p, $"voted {vote}", D("step", State.ToString()), D("vote", vote.ToString()));
        if (AllAnswered()) VotesIn();
        return true;
    }

    public void OnQuiesced(RecoveryParticipant p, string how)
    {
        if (p.Quiesced || p.Fate != ParticipantFate.Active) return;
        p.Quiesced = true;
        Emit(EventKinds.OwnerQuiesced, p, $"quiesced ({how})", D("how", how), D("timed_out", false));
        if (State == RecoveryState.AwaitingQuiesce && AllQuiesced()) Fire(RecoveryTrigger.AllQuiesced);
    }

    // ---- the state machine --------------------------------------------------------------------

    private void Fire(RecoveryTrigger trigger)
    {
        _triggers.Enqueue(trigger);
        if (_stepping) return;
        _stepping = true;
        try { while (_triggers.TryDequeue(out var t)) Step(t); }
        finally { _stepping = false; }
    }

    private void Step(RecoveryTrigger trigger)
    {
        if (IsFinished) return;
        var next = RecoveryTransitions.Apply(State, trigger);
        if (next == State) return;
        _ctx.Timers.Cancel(_timer);
        _epoch++;
        if (State is RecoveryState.AwaitingDetectedVotes or RecoveryState.AwaitingMmioVotes or RecoveryState.AwaitingQuiesce or RecoveryState.AwaitingSlotResetVotes)
            _ownerWaits += _ctx.Timers.Now - _ownerWaitSince;
        State = next;
        switch (next)
        {
            case RecoveryState.AwaitingDetectedVotes: NotifyOwners(); break;
            case RecoveryState.AwaitingMmioVotes: Ask(GuestRequestKind.MmioEnabled); break;
            case RecoveryState.AwaitingQuiesce: AwaitQuiesce(); break;
            case RecoveryState.ResetAsserted: AssertReset(); break;
            case RecoveryState.AwaitingLinkUp: DeassertReset(); break;
            case RecoveryState.AwaitingReadyDelay: AwaitReadyDelay(); break;
            case RecoveryState.PollingReadiness: _pollInterval = SimTime.FromMilliseconds(1); PollReadiness(); break;
            case RecoveryState.AwaitingSlotResetVotes: RestoreAndSlotReset(); break;
            case RecoveryState.Complete: Finish(); break;
            case RecoveryState.Failed: Abort(trigger); break;
        }
        if (IsFinished) Finished?.Invoke();
    }

    // ---- entry actions, in the order a recovery runs -------------------------------------------

    private void NotifyOwners()
    {
        foreach (var p in Participants)
        {
            if (p.Owner is not { } owner || p.Carried) continue; // a carried owner was told by the recovery it came from
            var log = FirstErrorOf(p.Function);
            string how = log is null ? "channel" : _ctx.Notifier.Notify(owner, log);
            Emit(EventKinds.OwnerNotified, p, $"error_detected ({how})", D("step", "error_detected"), D("via", how));
        }
        Ask(GuestRequestKind.ErrorDetected);
    }

    /// <summary>Sends one step's request to every owner still taking part and arms the step's timeout.</summary>
    private void Ask(GuestRequestKind kind)
    {
        foreach (var p in Participants)
        {
            if (p.Carried && kind == GuestRequestKind.ErrorDetected) continue; // its answer (or outstanding request) came with it
            p.LastVote = p.LastVote is RecoveryVote.Disconnect or RecoveryVote.NoAerDriver ? p.LastVote : null;
            if (!p.IsActiveOwner) continue;
            p.PendingRequest = _ctx.Send(this, p, kind, Severity);
            if (kind == GuestRequestKind.ErrorDetected && Severity == ErrorSeverity.Fatal) p.ExpectsReset = true; // a frozen channel: its driver stops I/O
            if (kind != GuestRequestKind.ErrorDetected)
                Emit(EventKinds.OwnerNotified, p, kind.ToString(), D("step", kind.ToString()));
        }
        _ownerWaitSince = _ctx.Timers.Now;
        if (AllAnswered()) { VotesIn(); return; }
        Arm(_ctx.Options.VoteTimeout, VotesTimedOut, "vote-timeout");
    }

    private void VotesTimedOut()
    {
        foreach (var p in Participants)
        {
            if (p.PendingRequest == 0) continue;
            p.PendingRequest = 0;
            p.Silent = true;
            Emit(EventKinds.OwnerVote, p, "no answer: counts as NEED_RESET", D("step", State.ToString()), D("vote", "timeout"));
        }
        VotesIn();
    }

    /// <summary>Folds the votes (Linux's merge_result) and picks the next step.</summary>
    private void VotesIn()
    {
        var merged = State == RecoveryState.AwaitingDetectedVotes ? RecoveryVote.CanRecover : RecoveryVote.Recovered;
        bool anyoneLeft = false, silent = false;
        foreach (var p in Participants)
        {
            if (p.Silent) { silent = true; continue; }
            if (!p.IsOwned) { anyoneLeft = true; continue; }
            if (p.LastVote is RecoveryVote v && v is not (RecoveryVote.Disconnect or RecoveryVote.NoAerDriver)) merged = RecoveryVoteMerge.Merge(merged, v);
            anyoneLeft |= p.IsActiveOwner;
        }
        if (State == RecoveryState.AwaitingSlotResetVotes) { Fire(RecoveryTrigger.Recovered); return; }
        if (!anyoneLeft && !silent) { Fire(RecoveryTrigger.Unrecoverable); return; }
        bool needReset = Severity == ErrorSeverity.Fatal || silent || merged == RecoveryVote.NeedReset || AnyGaveUp();
        if (needReset) { WarnOfReset(); Fire(RecoveryTrigger.ResetNeeded); }
        else Fire(State == RecoveryState.AwaitingDetectedVotes ? RecoveryTrigger.NoResetNeeded : RecoveryTrigger.Recovered);
    }

    /// <summary>
    /// The reset covers the whole scope, so every active owner is waited for; one that does not
    /// already expect it (it voted CAN_RECOVER on an error that was non-fatal when it was told, even
    /// if a later error in the scope made it fatal) is told a reset is coming. The SBR must never hit
    /// a device whose owner still runs I/O on it (issue 6).
    /// </summary>
    private void WarnOfReset()
    {
        foreach (var p in Participants)
        {
            if (!p.IsActiveOwner) continue;
            p.MustQuiesce = true;
            if (p.ExpectsReset || p.Quiesced) continue;
            p.ExpectsReset = true;
            _ctx.Send(this, p, GuestRequestKind.ResetPending, Severity);
            Emit(EventKinds.OwnerNotified, p, "reset pending: stop I/O", D("step", nameof(GuestRequestKind.ResetPending)));
        }
    }

    private void AwaitQuiesce()
    {
        _ownerWaitSince = _ctx.Timers.Now;
        if (AllQuiesced()) { Fire(RecoveryTrigger.AllQuiesced); return; }
        Arm(_ctx.Options.QuiesceTimeout, () =>
        {
            foreach (var p in Participants)
                if (p.IsActiveOwner && p.MustQuiesce && !p.Quiesced)
                {
                    p.Silent = true;
                    Emit(EventKinds.OwnerQuiesced, p, "did not quiesce in time: reset goes ahead", D("how", "timeout"), D("timed_out", true));
                }
            Fire(RecoveryTrigger.StepTimeout);
        }, "quiesce-timeout");
    }

    private void RestoreAndSlotReset()
    {
        _ownerWaitSince = _ctx.Timers.Now;
        bool vfsPending = false;
        foreach (var p in Participants) vfsPending |= _pfOfVf.ContainsKey(p.Function) && p.Fate == ParticipantFate.Active;
        // The PF restore set VF Enable again; its VFs may not be touched for 100 ms (§9.3.3.3.1),
        // counted from that write (a deeper bus's bring-up may already have used part of it).
        if (vfsPending)
        {
            var delay = ReadinessPlan.DelayAfterVfEnable(Participants, _pfOfVf, _ctx.Options.VfEnableDelay);
            var now = _ctx.Timers.Now;
            _vfWait = _vfEnabledAt + delay > now ? _vfEnabledAt + delay - now : SimTime.Zero;
            if (_vfWait == SimTime.Zero) { RestoreVirtualFunctions(); return; }
            if (PfsAwaitingFrs() is { } waiting && ConfigCapabilityFinder.FindExtended(_ctx.Config, Scope.Bridge, ExtendedCapabilityId.FrsQueueing) is int frs)
            {
                PollFrs(frs, waiting, now, now, now + _vfWait);
                return;
            }
            Arm(_vfWait, RestoreVirtualFunctions, "vf-enable-delay");
            return;
        }
        ClearReporterStatus(resetFunctionsToo: false);
        Ask(GuestRequestKind.SlotReset);
    }

    private void Finish()
    {
        foreach (var p in Participants)
        {
            if (p.Fate != ParticipantFate.Active) continue;
            if (p.Silent) { End(p, ParticipantFate.Failed, "owner did not answer in time"); continue; }
            if (p.LastVote == RecoveryVote.Disconnect) { End(p, ParticipantFate.Removed, "owner answered DISCONNECT"); continue; }
            if (p.LastVote == RecoveryVote.NoAerDriver) { End(p, ParticipantFate.Failed, "owner has no error handler (NO_AER_DRIVER)"); continue; }
            if (_dmaBlocked && p.Owner is { } o) _ctx.Iommu.Attach(o.StreamId, o.Domain);
        }
        if (_dmaBlocked)
        {
            var faults = _ctx.Iommu.DrainFaults();
            EmitScope(EventKinds.DmaUnblocked, "DMA unblocked for recovered functions", D("faults_while_blocked", faults.Count));
        }
        if (!_dmaBlocked) ClearReporterStatus(resetFunctionsToo: true);
        foreach (var p in Participants)
        {
            if (p.Fate != ParticipantFate.Active) continue;
            p.Fate = ParticipantFate.Resumed;
            if (p.Owner is null) continue;
            _ctx.Send(this, p, GuestRequestKind.Resume, Severity);
            Emit(EventKinds.OwnerResumed, p, "resume");
        }
        var floor = SpecMinimum;
        EmitScope(EventKinds.RecoveryComplete, "recovery complete", D("resumed", Count(ParticipantFate.Resumed)),
            D("failed", Participants.Count - Count(ParticipantFate.Resumed)), D("reset", _dmaBlocked), D("specMinimum", floor.Total),
            D("owner_wait_us", floor.OwnerWaits.Microseconds), D("drs", _drsReceived));
    }

    private void Abort(RecoveryTrigger why)
    {
        if (_sbrAsserted) ReleaseSbr(); // nothing is left in reset
        string reason = why switch
        {
            RecoveryTrigger.SecondError => "another error during recovery",
            RecoveryTrigger.LinkDown => "link did not come back (surprise removal)",
            RecoveryTrigger.NoneReady => "no function became ready",
            RecoveryTrigger.ResetUnsupported => "no reset method: the function does not support FLR",
            _ => "no owner can recover the device",
        };
        var fate = why switch
        {
            RecoveryTrigger.LinkDown => ParticipantFate.Removed,
            // After the reset started the function failed again despite it: never trusted again.
            // Before, it was never reset and may be tested and reassigned later: quarantine.
            RecoveryTrigger.SecondError => _dmaBlocked ? ParticipantFate.Broken : ParticipantFate.Failed,
            _ => ParticipantFate.Failed,
        };
        foreach (var p in Participants)
            if (p.Fate == ParticipantFate.Active) End(p, p.LastVote == RecoveryVote.Disconnect ? ParticipantFate.Removed : fate, reason);
        EmitScope(EventKinds.RecoveryFailed, $"recovery failed: {reason}", D("reason", reason), D("trigger", why.ToString()),
            D("specMinimum", SpecMinimum.Total));
    }

    // ---- helpers ------------------------------------------------------------------------------

    /// <summary>Ends one function's part: its owner is told, its DMA stays blocked, it leaves the owner.</summary>
    private void End(RecoveryParticipant p, ParticipantFate fate, string reason)
    {
        p.Fate = fate;
        p.PendingRequest = 0;
        _ctx.Iommu.Block(_ctx.Owners.StreamIdOf(p.Function));
        if (p.Owner is not null)
            _ctx.Send(this, p, fate == ParticipantFate.Removed ? GuestRequestKind.DeviceRemoved : GuestRequestKind.PermanentFailure, Severity);
        if (fate == ParticipantFate.Broken) _ctx.Owners.MarkBroken(p.Function, reason);
        else _ctx.Owners.Quarantine(p.Function, reason);
        _ctx.Snapshots.Forget(p.Function);
        Emit(EventKinds.DeviceQuarantined, p, reason, D("fate", fate.ToString()), D("reason", reason));
    }

    /// <summary>
    /// Natively, clears what the errors left (Linux: pcie_clear_device_status and
    /// pci_aer_clear_nonfatal_status after recovery). After a reset the restore already cleared the
    /// functions below the bridge; the reporting port above them still needs it.
    /// </summary>
    private void ClearReporterStatus(bool resetFunctionsToo)
    {
        if (!_ctx.Options.AerNative) return;
        foreach (var log in _errors)
        {
            if ((!resetFunctionsToo && Scope.Functions.Contains(log.Device)) || !log.RegistersRead) continue;
            var caps = _ctx.Capabilities.Of(log.Device);
            if (caps.Aer is int a) _ctx.Config.Write(log.Device, a + AerCapability.UncorrectableStatus, 4, log.UncorStatus);
            if (caps.PciExpress is int p) _ctx.Config.Write(log.Device, p + PciExpressCapability.DeviceStatus, 2, 0x000F);
        }
    }

    private DeviceErrorLog? FirstErrorOf(Sbdf function)
    {
        foreach (var e in _errors) if (e.Device == function) return e;
        return null;
    }

    private int? BridgePcie => _ctx.Capabilities.Of(Scope.Bridge).PciExpress;

    private bool AllAnswered()
    {
        foreach (var p in Participants) if (p.PendingRequest != 0) return false;
        return true;
    }

    private bool AllQuiesced()
    {
        foreach (var p in Participants) if (p.IsActiveOwner && p.MustQuiesce && !p.Quiesced) return false;
        return true;
    }

    private bool AnyGaveUp()
    {
        foreach (var p in Participants) if (p.LastVote is RecoveryVote.Disconnect or RecoveryVote.NoAerDriver) return true;
        return false;
    }

    private int Count(ParticipantFate fate)
    {
        int n = 0;
        foreach (var p in Participants) if (p.Fate == fate) n++;
        return n;
    }

    private void Arm(SimTime delay, Action action, string label)
    {
        var armed = _spareTimers.Count > 0 ? _spareTimers.Pop() : new ArmedTimer(this);
        armed.Epoch = _epoch;
        armed.Action = action;
        _timer = _ctx.Timers.Schedule(delay, armed.Fire, label);
    }

    /// <summary>
    /// One armed timer: runs its action only if no step happened since it was armed (the epoch) and
    /// the recovery is still running. Reused once it fired, so a recovery's many polls do not allocate
    /// a closure pair each; a cancelled one is simply never reused.
    /// </summary>
    private sealed class ArmedTimer
    {
        private readonly RecoveryProcess _process;

        public ArmedTimer(RecoveryProcess process)
        {
            _process = process;
            Fire = Run;
        }

        public Action Fire { get; }

        public long Epoch { get; set; }

        public Action? Action { get; set; }

        private void Run()
        {
            long epoch = Epoch;
            var action = Action!;
            Action = null;
            _process._spareTimers.Push(this);
            if (epoch == _process._epoch && !_process.IsFinished) action();
        }
    }

    // One overload per detail count: each builds the event's one details array with the recovery tag
    // first, so an event costs one array, not a params array and its tagged copy.
    private void Emit(string kind, RecoveryParticipant p, string text) =>
        _ctx.Timeline.Emit(kind, p.Function, p.Owner?.Domain, text, [_recoveryTag]);

    private void Emit(string kind, RecoveryParticipant p, string text, KeyValuePair<string, object?> d1) =>
        _ctx.Timeline.Emit(kind, p.Function, p.Owner?.Domain, text, [_recoveryTag, d1]);

    private void Emit(string kind, RecoveryParticipant p, string text, KeyValuePair<string, object?> d1, KeyValuePair<string, object?> d2) =>
        _ctx.Timeline.Emit(kind, p.Function, p.Owner?.Domain, text, [_recoveryTag, d1, d2]);

    private void EmitScope(string kind, string text) =>
        _ctx.Timeline.Emit(kind, Scope.Bridge, null, text, [_recoveryTag]);

    private void EmitScope(string kind, string text, KeyValuePair<string, object?> d1) =>
        _ctx.Timeline.Emit(kind, Scope.Bridge, null, text, [_recoveryTag, d1]);

    private void EmitScope(string kind, string text, params KeyValuePair<string, object?>[] details) =>
        _ctx.Timeline.Emit(kind, Scope.Bridge, null, text, Tagged(details));

    /// <summary>
    /// Every event of this recovery names it by the device whose error started it (the key readers
    /// give that error's error-detected event), so two recoveries running at once are never mixed up.
    /// </summary>
    private KeyValuePair<string, object?>[] Tagged(KeyValuePair<string, object?>[] details)
    {
        var all = new KeyValuePair<string, object?>[details.Length + 1];
        all[0] = _recoveryTag;
        details.CopyTo(all, 1);
        return all;
    }
}
