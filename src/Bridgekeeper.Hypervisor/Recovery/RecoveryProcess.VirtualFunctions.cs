using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.RasLog.DurableTimeline;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// After the PFs are restored with VF Enable set: the VF Enable wait (100 ms, §9.3.3.3.1; none with
/// Immediate Readiness; ended by the PFs' FRS Messages, §6.22.2), then each VF's own saved state.
/// </summary>
public sealed partial class RecoveryProcess
{
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
                || (_ctx.Config.Read(pf.Function, pp + PciExpressCapability.DeviceCapabilities2, 4) & PciExpressCapability.DevCap2FrsSupported) == 0) return null;
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
            if (FrsQueueingCapability.ReasonOf(entry) == FrsQueueingCapability.ReasonVfEnabled) waiting.Remove((ushort)entry);
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
}
