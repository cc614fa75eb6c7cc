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
/// </summary>
public sealed class RecoveryProcess
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
    private SimTime _deassertedAt, _pollInterval;
    // What the spec minimum is built from (RecoverySpecMinimum): owner waits, and lower bounds of
    // DL_Up and of the instant every function was ready, from the polls that still saw them not.
    private readonly SimTime _detectedAt;
    private SimTime _ownerWaitSince, _ownerWaits, _linkDownSeenAt, _linkUpAt, _linkTraining, _readyLowerBound, _vfWait;

    public RecoveryProcess(RecoveryContext ctx, RecoveryScope scope, ErrorReport first)
    {
        _ctx = ctx;
        _detectedAt = ctx.Timers.Now;
        Scope = scope;
        First = first;
        Severity = first.Severity;
        _errors.Add(first.Log);
        // PFs first: their saved SR-IOV state names the VFs, whose Vendor ID reads 0xFFFF (§9.3.4.1.1)
        // so the store would not capture them by probing.
        var vfs = new HashSet<Sbdf>();
        foreach (var f in scope.Functions)
            if (ctx.Snapshots.GetOrCapture(f) is { EnablesVirtualFunctions: true } pf)
                foreach (var vf in pf.VirtualFunctions()) vfs.Add(vf);
        foreach (var f in scope.Functions)
        {
            var snapshot = ctx.Snapshots.GetOrCapture(f) ?? (vfs.Contains(f) ? ctx.Snapshots.Save(f) : null);
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
        bool again = _errors.Exists(e => e.Device == report.Device);
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
            var log = _errors.Find(e => e.Device == p.Function);
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

    private void AssertReset()
    {
        int? flrAt = Scope.IsFunctionLevel ? FlrCapablePcie() : null;
        if (Scope.IsFunctionLevel && flrAt is null) { Fire(RecoveryTrigger.ResetUnsupported); return; }
        foreach (var p in Participants) _ctx.Iommu.Block(_ctx.Owners.StreamIdOf(p.Function));
        _dmaBlocked = true;
        EmitScope(EventKinds.DmaBlocked, "DMA blocked for the scope", D("functions", Participants.Count));
        if (flrAt is int flrPcie) { AwaitPendingTransactions(flrPcie, attempt: 0); return; }
        // Whether the DRS Message can end the readiness wait; a stale DRS Message Received is cleared
        // first so that the bit afterwards speaks of this reset only (§6.22.1, §7.5.3.20).
        _drs = BridgePcie is not null && DeviceReadinessStatus.Usable(_ctx.Config, _ctx.Capabilities, Scope.Bridge);
        if (_drs) DeviceReadinessStatus.Clear(_ctx.Config, Scope.Bridge, BridgePcie!.Value);
        uint bc = _ctx.Config.Read(Scope.Bridge, ConfigHeader.BridgeControl, 2);
        EmitScope(EventKinds.SbrAssert, "Secondary Bus Reset asserted", D("hold_us", _ctx.Options.SbrHold.Microseconds));
        _ctx.Config.Write(Scope.Bridge, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        _sbrAsserted = true;
        Arm(_ctx.Options.SbrHold, () => Fire(RecoveryTrigger.HoldElapsed), "sbr-hold");
    }

    private void DeassertReset()
    {
        if (Scope.IsFunctionLevel)
        {
            _deassertedAt = _linkDownSeenAt = _levelStartedAt = _ctx.Timers.Now; // an FLR takes no link down: the delay counts from it
            Fire(RecoveryTrigger.LinkUp);
            return;
        }
        ReleaseSbr();
        _deassertedAt = _linkDownSeenAt = _levelStartedAt = _ctx.Timers.Now;
        if (BridgePcie is not int p || (_ctx.Config.Read(Scope.Bridge, p + PciExpressCapability.LinkCapabilities, 4) & PciExpressCapability.LinkCapDllActiveReporting) == 0)
        {
            Fire(RecoveryTrigger.LinkUp); // ≤ 5 GT/s without DLL Link Active reporting: the delay counts from the reset
            return;
        }
        PollLink(p);
    }

    private void PollLink(int pcie)
    {
        if ((_ctx.Config.Read(Scope.Bridge, pcie + PciExpressCapability.LinkStatus, 2) & PciExpressCapability.LinkStaDllActive) != 0)
        {
            _linkTraining = _linkDownSeenAt - _deassertedAt;
            Fire(RecoveryTrigger.LinkUp);
            return;
        }
        _linkDownSeenAt = _ctx.Timers.Now;
        if (_ctx.Timers.Now - _deassertedAt >= _ctx.Options.LinkUpTimeout) { _linkLost = true; Fire(RecoveryTrigger.LinkDown); return; }
        Arm(SimTime.FromMilliseconds(1), () => PollLink(pcie), "link-poll");
    }

    private void AwaitReadyDelay()
    {
        _linkUpAt = _ctx.Timers.Now;
        var delay = Scope.IsFunctionLevel
            ? ReadinessPlan.DelayAfterFlr(Participants, _ctx.Options.ReadyDelay)
            : ReadinessPlan.DelayAfterLinkUp(Participants, _ctx.Options.ReadyDelay, BridgePcie is not null);
        _readyLowerBound = _linkUpAt + delay;
        if (delay == SimTime.Zero) { Fire(RecoveryTrigger.DelayElapsed); return; }
        if (_drs) { _readyLowerBound = _linkUpAt; PollDrs(_linkUpAt + delay); return; }
        Arm(delay, () => Fire(RecoveryTrigger.DelayElapsed), "ready-delay");
    }

    /// <summary>
    /// Both ends support DRS: poll DRS Message Received while the §6.6.1 delay runs alongside; the
    /// message ends the wait at once, the delay passing without it falls back to RRS polling (§6.22.1).
    /// </summary>
    private void PollDrs(SimTime deadline)
    {
        var now = _ctx.Timers.Now;
        if (DeviceReadinessStatus.Received(_ctx.Config, Scope.Bridge, BridgePcie!.Value))
        {
            _drsReceived = true;
            Fire(RecoveryTrigger.DelayElapsed);
            return;
        }
        _readyLowerBound = now;
        if (now >= deadline) { Fire(RecoveryTrigger.DelayElapsed); return; }
        var wait = _ctx.Options.DrsPollInterval;
        if (now + wait > deadline) wait = deadline - now;
        Arm(wait, () => PollDrs(deadline), "drs-poll");
    }

    /// <summary>Reads Vendor ID: 0x0001 is an RRS completion (§2.3.2, RRS Software Visibility), all ones not there yet.</summary>
    private void PollReadiness()
    {
        bool allReady = true;
        foreach (var p in Participants)
        {
            if (p.Ready || !AtLevel(p)) continue; // VFs wait for their PF, functions below a bridge for its level
            uint vendor = _ctx.Config.Read(p.Function, ConfigHeader.VendorId, 2) & 0xFFFF;
            if (vendor is 0x0001 or 0xFFFF)
            {
                allReady = false;
                if (_level == Scope.Bridge) _readyLowerBound = _ctx.Timers.Now; else _levelFloorEnd = _ctx.Timers.Now;
                continue;
            }
            p.Ready = true;
            Emit(EventKinds.DeviceReady, p, _drsReceived ? "configuration-ready (DRS Message received)" : "configuration-ready",
                D("after_reset_us", (_ctx.Timers.Now - _deassertedAt).Microseconds), D("drs", _drsReceived));
        }
        if (allReady) { LevelSettled(); return; }
        var elapsed = _ctx.Timers.Now - _levelStartedAt;
        if (elapsed >= _ctx.Options.ReadinessLimit)
        {
            bool anyReady = false;
            foreach (var p in Participants)
            {
                if (p.Ready) { anyReady = true; continue; }
                if (!AtLevel(p)) continue;
                bool gone = (_ctx.Config.Read(p.Function, ConfigHeader.VendorId, 2) & 0xFFFF) == 0xFFFF && LinkDown(_level);
                End(p, gone ? ParticipantFate.Removed : ParticipantFate.Broken, gone ? "gone after reset (surprise removal)" : "not ready within the readiness limit");
            }
            if (!anyReady && _level == Scope.Bridge) { Fire(RecoveryTrigger.NoneReady); return; }
            LevelSettled();
            return;
        }
        var wait = _pollInterval;
        if (elapsed + wait > _ctx.Options.ReadinessLimit) wait = _ctx.Options.ReadinessLimit - elapsed;
        _pollInterval = new SimTime(Math.Min(_pollInterval.Nanoseconds * 2, _ctx.Options.MaxPollInterval.Nanoseconds));
        Arm(wait, PollReadiness, "rrs-poll");
    }

    /// <summary>
    /// Every function of the current level answered (or the limit passed): restore them, bridges
    /// first in tree order so their bus numbers open the way down, then bring up the next bridge's
    /// bus, or, when none is left, go on to the VFs and slot_reset.
    /// </summary>
    private void LevelSettled()
    {
        if (_level != Scope.Bridge) _deeperFloor += _levelFloorEnd - _levelStartedAt;
        foreach (var p in Participants)
        {
            if (!AtLevel(p) || !p.Ready) continue;
            if (p.Snapshot is null) { End(p, ParticipantFate.Broken, "no saved configuration to restore"); continue; }
            RestoreConfig(p, p.Snapshot);
            if (p.Snapshot.EnablesVirtualFunctions) _vfEnabledAt = _ctx.Timers.Now;
            if (!p.Snapshot.IsBridge || !HasActiveBelow(p.Function)) continue;
            _levels.Enqueue(p.Function);
            // Sibling ports' links train together: note when each was first seen up, so that the
            // 100 ms of one port runs while an earlier sibling's bus is brought up.
            if (LinkUp(p.Function)) _linkSeenUpAt[p.Function] = _ctx.Timers.Now;
        }
        while (_levels.TryDequeue(out var bridge))
        {
            _level = bridge;
            _levelStartedAt = _levelFloorEnd = _ctx.Timers.Now;
            if (!BridgeCameBack(bridge)) { EndBelow(bridge, ParticipantFate.Broken, "the bridge above it did not come back"); continue; }
            BringUpLevel();
            return;
        }
        _level = Scope.Bridge;
        // Whatever sits below a bridge that never came back (or could not be restored) was never reached.
        foreach (var p in Participants)
            if (p.Fate == ParticipantFate.Active && !p.Ready && !_pfOfVf.ContainsKey(p.Function))
                End(p, ParticipantFate.Broken, "the bridge above it did not come back");
        Fire(RecoveryTrigger.ReadinessSettled);
    }

    /// <summary>
    /// The bus below a bridge inside the scope, after it was restored: below a Root or Downstream
    /// Port wait for its link (DLLLA) and then 100 ms (or Immediate Readiness / RTR, §6.6.1; DRS is
    /// used at the reset bridge only), as Linux's pci_bridge_wait_for_secondary_bus; a switch's
    /// internal bus (below its Upstream Port) has no link and no wait. Then RRS polling as above.
    /// </summary>
    private void BringUpLevel()
    {
        int? pcie = _ctx.Capabilities.Of(_level).PciExpress;
        bool port = pcie is int pc && ((_ctx.Config.Read(_level, pc + PciExpressCapability.Capabilities, 2) >> 4) & 0xF)
            is (uint)PciePortType.RootPort or (uint)PciePortType.DownstreamPort;
        if (!port) { StartLevelPolling(SimTime.Zero); return; }
        if ((_ctx.Config.Read(_level, pcie!.Value + PciExpressCapability.LinkCapabilities, 4) & PciExpressCapability.LinkCapDllActiveReporting) == 0)
        {
            StartLevelPolling(_ctx.Options.ReadyDelay);
            return;
        }
        PollLevelLink(pcie.Value, sawDown: false);
    }

    private void PollLevelLink(int pcie, bool sawDown)
    {
        var now = _ctx.Timers.Now;
        if ((_ctx.Config.Read(_level, pcie + PciExpressCapability.LinkStatus, 2) & PciExpressCapability.LinkStaDllActive) != 0)
        {
            var delay = ReadinessPlan.DelayAfterLinkUp(LevelParticipants(), _ctx.Options.ReadyDelay, linkPolled: true);
            var seenUp = _linkSeenUpAt.TryGetValue(_level, out var seen) ? seen : now;
            // Floor: DL_Up no earlier than the last poll that saw the link down, or (up at first look)
            // than the reset bridge's own link (nothing below trains before it).
            var linkUpLowerBound = sawDown ? _linkDownSeenAt : _deassertedAt + _linkTraining;
            if (linkUpLowerBound + delay > _levelFloorEnd) _levelFloorEnd = linkUpLowerBound + delay;
            StartLevelPolling(seenUp + delay > now ? seenUp + delay - now : SimTime.Zero);
            return;
        }
        _linkDownSeenAt = now;
        if (now - _levelStartedAt >= _ctx.Options.LinkUpTimeout)
        {
            EndBelow(_level, ParticipantFate.Removed, "the link below it did not come back");
            LevelSettled();
            return;
        }
        Arm(SimTime.FromMilliseconds(1), () => PollLevelLink(pcie, sawDown: true), "link-poll");
    }

    private void StartLevelPolling(SimTime delay)
    {
        _pollInterval = SimTime.FromMilliseconds(1);
        if (delay == SimTime.Zero) { PollReadiness(); return; }
        Arm(delay, PollReadiness, "ready-delay");
    }

    private void RestoreConfig(RecoveryParticipant p, ConfigSnapshot snapshot)
    {
        int writes = snapshot.Restore(_ctx.Config, _ctx.Options.AerNative, _ctx.InterruptState);
        Emit(EventKinds.ConfigRestored, p, "saved configuration restored", D("writes", writes));
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

    /// <summary>FRS Reason "VF Enabled" (PCIe Base 6.0 §2.2.8.6.3).</summary>
    private const uint FrsReasonVfEnabled = 0b0100;

    /// <summary>
    /// Function Readiness Status (§6.22.2): a PF that supports FRS (Device Capabilities 2 bit 31)
    /// sends an FRS Message, reason VF Enabled, once its VFs are ready; the Root Port records it in its
    /// FRS Queueing capability (§7.8.10), emptied at the reset's DL_Down. Used only when the reset
    /// bridge is that Root Port and every PF waiting supports FRS: the PFs' Requester IDs, else null.
    /// </summary>
    private HashSet<ushort>? PfsAwaitingFrs()
    {
        if (_ctx.Capabilities.Of(Scope.Bridge).PciExpress is not int bp
            || ((_ctx.Config.Read(Scope.Bridge, bp + PciExpressCapability.Capabilities, 2) >> 4) & 0xF) != (uint)PciePortType.RootPort) return null;
        var waiting = new HashSet<ushort>();
        foreach (var p in Participants)
        {
            if (p.Fate != ParticipantFate.Active || !_pfOfVf.TryGetValue(p.Function, out var pf) || !pf.Ready || pf.Fate != ParticipantFate.Active) continue;
            if (_ctx.Capabilities.Of(pf.Function).PciExpress is not int pp
                || (_ctx.Config.Read(pf.Function, pp + PciExpressCapability.DeviceCapabilities2, 4) & (1u << 31)) == 0) return null;
            waiting.Add(pf.Function.RequesterId.Value);
        }
        return waiting.Count > 0 ? waiting : null;
    }

    /// <summary>
    /// Drains the Root Port's FRS queue (reading the FRS Message Queue register shows the oldest entry,
    /// writing it removes it) every DRS/FRS poll interval until every waiting PF's VF Enabled message
    /// is in; the 100 ms running alongside is the fallback. Other entries are removed and ignored.
    /// </summary>
    private void PollFrs(int frs, HashSet<ushort> waiting, SimTime start, SimTime lastEmpty, SimTime deadline)
    {
        var now = _ctx.Timers.Now;
        for (int i = 0; i < 4096; i++) // at most the queue's Max Depth (12 bits)
        {
            uint entry = _ctx.Config.Read(Scope.Bridge, frs + FrsQueueingCapability.MessageQueue, 4);
            if (entry == 0) break;
            _ctx.Config.Write(Scope.Bridge, frs + FrsQueueingCapability.MessageQueue, 4, 0);
            if (((entry >> 16) & 0xF) == FrsReasonVfEnabled) waiting.Remove((ushort)entry);
        }
        if (waiting.Count == 0)
        {
            _vfWait = lastEmpty - start; // from below: the last poll that did not have it yet
            RestoreVirtualFunctions();
            return;
        }
        if (now >= deadline) { RestoreVirtualFunctions(); return; }
        var wait = _ctx.Options.DrsPollInterval;
        if (now + wait > deadline) wait = deadline - now;
        Arm(wait, () => PollFrs(frs, waiting, start, now, deadline), "frs-poll");
    }

    /// <summary>After the VF Enable delay: each VF whose PF came back is ready and gets its own saved state.</summary>
    private void RestoreVirtualFunctions()
    {
        foreach (var p in Participants)
        {
            if (p.Fate != ParticipantFate.Active || !_pfOfVf.TryGetValue(p.Function, out var pf)) continue;
            if (pf.Fate != ParticipantFate.Active || !pf.Ready) { End(p, ParticipantFate.Broken, "its PF did not come back after the reset"); continue; }
            p.Ready = true;
            Emit(EventKinds.DeviceReady, p, "VF ready after VF Enable", D("after_reset_us", (_ctx.Timers.Now - _deassertedAt).Microseconds));
            if (p.Snapshot is null) { End(p, ParticipantFate.Broken, "no saved configuration to restore"); continue; }
            RestoreConfig(p, p.Snapshot);
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

    /// <summary>
    /// Before an FLR, Linux's <c>pci_wait_for_pending_transaction</c>: Device Status Transactions
    /// Pending is checked at 0, 100, 200 and 400 ms (PCIe Base 6.0 §6.6.2 recommends waiting for
    /// outstanding completions); after that the FLR goes ahead anyway (the IOMMU already blocks DMA).
    /// </summary>
    private void AwaitPendingTransactions(int pcie, int attempt)
    {
        bool pending = (_ctx.Config.Read(Scope.Bridge, pcie + PciExpressCapability.DeviceStatus, 2) & PciExpressCapability.DevStaTransactionsPending) != 0;
        if (pending && attempt < 3)
        {
            Arm(SimTime.FromMilliseconds(100L << attempt), () => AwaitPendingTransactions(pcie, attempt + 1), "flr-pending");
            return;
        }
        uint devCtl = _ctx.Config.Read(Scope.Bridge, pcie + PciExpressCapability.DeviceControl, 2);
        EmitScope(EventKinds.FlrInitiated, "Function Level Reset initiated", D("transactions_pending", pending));
        _ctx.Config.Write(Scope.Bridge, pcie + PciExpressCapability.DeviceControl, 2, devCtl | PciExpressCapability.DevCtlInitiateFlr);
        Fire(RecoveryTrigger.HoldElapsed);
    }

    /// <summary>The PCI Express capability of a function-level scope when Device Capabilities says FLR is supported (§7.5.3.3 bit 28).</summary>
    private int? FlrCapablePcie() =>
        _ctx.Capabilities.Of(Scope.Bridge).PciExpress is int p
        && (_ctx.Config.Read(Scope.Bridge, p + PciExpressCapability.DeviceCapabilities, 4) & PciExpressCapability.DevCapFlrCapable) != 0 ? p : null;

    private void ReleaseSbr()
    {
        uint bc = _ctx.Config.Read(Scope.Bridge, ConfigHeader.BridgeControl, 2);
        _ctx.Config.Write(Scope.Bridge, ConfigHeader.BridgeControl, 2, bc & ~(uint)ConfigHeader.BridgeControlSecondaryBusReset);
        _sbrAsserted = false;
        EmitScope(EventKinds.SbrDeassert, "Secondary Bus Reset deasserted");
    }

    // A function-level scope has no link, and its one function may not be read while not ready.
    private bool LinkDown(Sbdf bridge) => !Scope.IsFunctionLevel && ((bridge == Scope.Bridge && _linkLost) || (_ctx.Capabilities.Of(bridge).PciExpress is int p
        && (_ctx.Config.Read(bridge, p + PciExpressCapability.LinkCapabilities, 4) & PciExpressCapability.LinkCapDllActiveReporting) != 0
        && (_ctx.Config.Read(bridge, p + PciExpressCapability.LinkStatus, 2) & PciExpressCapability.LinkStaDllActive) == 0));

    private bool LinkUp(Sbdf port) => _ctx.Capabilities.Of(port).PciExpress is int p
        && (_ctx.Config.Read(port, p + PciExpressCapability.LinkCapabilities, 4) & PciExpressCapability.LinkCapDllActiveReporting) != 0
        && (_ctx.Config.Read(port, p + PciExpressCapability.LinkStatus, 2) & PciExpressCapability.LinkStaDllActive) != 0;

    /// <summary>A non-VF function still taking part that sits directly below the bridge being brought up.</summary>
    private bool AtLevel(RecoveryParticipant p) =>
        p.Fate == ParticipantFate.Active && !_pfOfVf.ContainsKey(p.Function) && _parentOf.GetValueOrDefault(p.Function, Scope.Bridge) == _level;

    private List<RecoveryParticipant> LevelParticipants()
    {
        var level = new List<RecoveryParticipant>();
        foreach (var p in Participants) if (AtLevel(p)) level.Add(p);
        return level;
    }

    /// <summary>Whether any function still taking part sits somewhere below <paramref name="bridge"/>.</summary>
    private bool HasActiveBelow(Sbdf bridge)
    {
        foreach (var p in Participants)
            if (p.Fate == ParticipantFate.Active && IsBelow(p.Function, bridge)) return true;
        return false;
    }

    private bool IsBelow(Sbdf function, Sbdf bridge)
    {
        for (var f = function; _parentOf.TryGetValue(f, out var parent) && f != Scope.Bridge; f = parent)
            if (parent == bridge) return true;
        return false;
    }

    /// <summary>The bridge is ready and still taking part (a function outside the participants, e.g. the reset bridge, counts as back).</summary>
    private bool BridgeCameBack(Sbdf bridge)
    {
        foreach (var p in Participants) if (p.Function == bridge) return p.Fate == ParticipantFate.Active && p.Ready;
        return true;
    }

    /// <summary>Ends every function still taking part below a bridge that failed (VFs follow their PF later).</summary>
    private void EndBelow(Sbdf bridge, ParticipantFate fate, string reason)
    {
        foreach (var p in Participants)
            if (p.Fate == ParticipantFate.Active && !_pfOfVf.ContainsKey(p.Function) && IsBelow(p.Function, bridge)) End(p, fate, reason);
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
        long epoch = _epoch;
        _timer = _ctx.Timers.Schedule(delay, () => { if (epoch == _epoch && !IsFinished) action(); }, label);
    }

    private void Emit(string kind, RecoveryParticipant p, string text, params KeyValuePair<string, object?>[] details) =>
        _ctx.Timeline.Emit(kind, p.Function, p.Owner?.Domain, text, Tagged(details));

    private void EmitScope(string kind, string text, params KeyValuePair<string, object?>[] details) =>
        _ctx.Timeline.Emit(kind, Scope.Bridge, null, text, Tagged(details));

    /// <summary>
    /// Every event of this recovery names it by the device whose error started it (the key readers
    /// give that error's error-detected event), so two recoveries running at once are never mixed up.
    /// </summary>
    private KeyValuePair<string, object?>[] Tagged(KeyValuePair<string, object?>[] details)
    {
        var all = new KeyValuePair<string, object?>[details.Length + 1];
        all[0] = D("recovery", First.Device.ToString());
        details.CopyTo(all, 1);
        return all;
    }
}
