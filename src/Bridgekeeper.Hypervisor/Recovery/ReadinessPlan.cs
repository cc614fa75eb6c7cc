using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// How long to wait before the first config request, per PCIe Base 6.0 §6.6.1 and the readiness
/// mechanisms of §6.22. After link up: no wait when every function reports Immediate Readiness
/// (Status bit 0, §7.5.1.1.4); the longest Readiness Time Reporting time (§7.9.16; DL_Up time when
/// the link was polled, Reset time otherwise) when every function reports valid times and they
/// undercut the default; otherwise the default 100 ms. RRS polling then covers functions that need
/// longer, and the DRS Message can end the wait earlier (<see cref="DeviceReadinessStatus"/>).
/// After a PF's VF Enable is set again: see <see cref="DelayAfterVfEnable"/>.
/// </summary>
public static class ReadinessPlan
{
    public static SimTime DelayAfterLinkUp(IReadOnlyList<RecoveryParticipant> participants, SimTime defaultDelay, bool linkPolled)
    {
        bool allImmediate = participants.Count > 0, allRtr = participants.Count > 0;
        long longestRtr = 0;
        foreach (var p in participants)
        {
            var s = p.Snapshot;
            if (s is null) return defaultDelay;
            allImmediate &= s.ImmediateReadiness;
            long? t = linkPolled ? s.RtrDlUpNs : s.RtrResetNs;
            if (t is long ns) longestRtr = Math.Max(longestRtr, ns);
            else allRtr = false;
        }
        if (allImmediate) return SimTime.Zero;
        if (allRtr && longestRtr < defaultDelay.Nanoseconds) return new SimTime(longestRtr);
        return defaultDelay;
    }

    /// <summary>
    /// After an FLR (§6.6.2): none with Immediate Readiness; the RTR FLR Time (§7.9.16) when valid and
    /// shorter than the default; otherwise 100 ms. RRS polling then covers a function that needs longer.
    /// </summary>
    public static SimTime DelayAfterFlr(IReadOnlyList<RecoveryParticipant> participants, SimTime defaultDelay)
    {
        long longest = 0;
        foreach (var p in participants)
        {
            if (p.Snapshot is not { } s) return defaultDelay;
            if (s.ImmediateReadiness) continue;
            if (s.RtrFlrNs is not long ns || ns >= defaultDelay.Nanoseconds) return defaultDelay;
            longest = Math.Max(longest, ns);
        }
        return new SimTime(longest);
    }

    /// <summary>
    /// The wait before touching the VFs of restored PFs (their Vendor ID reads 0xFFFF, §9.3.4.1.1, so
    /// there is nothing to poll): 100 ms after VF Enable (§9.3.3.3.1), or none when every VF waiting
    /// reported Immediate Readiness in its Status register when it was saved (§7.5.1.1.4: ready after
    /// any reset the host can issue). The Readiness Time Reporting capability has no VF Enable time
    /// (§7.9.16 reports Reset, DL_Up, FLR and D3hot→D0 only). The PF's FRS Message (VF Enabled) may
    /// end this wait earlier; recovery polls for it (RecoveryProcess.PollFrs).
    /// </summary>
    public static SimTime DelayAfterVfEnable(IReadOnlyList<RecoveryParticipant> participants, IReadOnlyDictionary<Sbdf, RecoveryParticipant> pfOfVf, SimTime defaultDelay)
    {
        bool any = false;
        foreach (var p in participants)
        {
            if (p.Fate != ParticipantFate.Active || !pfOfVf.ContainsKey(p.Function)) continue;
            any = true;
            if (p.Snapshot is not { ImmediateReadiness: true }) return defaultDelay;
        }
        return any ? SimTime.Zero : defaultDelay;
    }
}
