using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.RasLog.DurableTimeline;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// After the reset: the link, the readiness wait (100 ms, Immediate Readiness, RTR or the DRS Message,
/// PCIe Base 6.0 §6.6.1, §6.22.1), RRS polling, and the restore, bus by bus from the reset bridge down
/// (Linux <c>pci_bus_restore_locked</c>): a bridge inside the scope lost its bus numbers in the reset.
/// </summary>
public sealed partial class RecoveryProcess
{
    // Delegates of the repeating polls, made once per recovery rather than once per poll.
    private Action? _pollLinkAgain, _pollReadiness;
    private int _linkPcie;

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
        // One delegate for every 1 ms poll of the reset bridge's link (its PCIe capability does not move).
        _linkPcie = pcie;
        Arm(SimTime.FromMilliseconds(1), _pollLinkAgain ??= () => PollLink(_linkPcie), "link-poll");
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
        Arm(wait, _pollReadiness ??= PollReadiness, "rrs-poll");
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
        Arm(delay, _pollReadiness ??= PollReadiness, "ready-delay");
    }

    private void RestoreConfig(RecoveryParticipant p, ConfigSnapshot snapshot)
    {
        int writes = snapshot.Restore(_ctx.Config, _ctx.Options.AerNative, _ctx.InterruptState);
        Emit(EventKinds.ConfigRestored, p, "saved configuration restored", D("writes", writes));
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
}
