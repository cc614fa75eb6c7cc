using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// How long to wait after the link is up before the first config request, per PCIe Base 6.0 §6.6.1
/// and the readiness mechanisms of §6.22: no wait when every function reports Immediate Readiness
/// (Status bit 0); the longest Readiness Time Reporting time (§7.9.16; DL_Up time when the link was
/// polled, Reset time otherwise) when every function reports valid times and they undercut the
/// default; otherwise the default 100 ms. RRS polling then covers functions that need longer.
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
}
