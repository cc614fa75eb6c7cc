using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The least time the spec and the hardware allow for one recovery: the one definition that the
/// recovery emits (<c>specMinimum</c> on <c>recovery-complete</c>/<c>recovery-failed</c>), that
/// <c>simulate</c>'s summary and the recovery benchmark divide latency by. Its parts:
/// <list type="bullet">
/// <item>the time owners kept the recovery waiting (every vote step and the quiesce, until each
/// answered or timed out: the issue counts the slowest owner's quiesce in the floor);</item>
/// <item>with a reset: Trst, SBR held 1 ms (PCIe Base 6.0 §6.6.1; none for an FLR); link training up to DL_Up, taken
/// as the last poll that still saw Data Link Layer Link Active clear (a lower bound: our poll
/// granularity never counts in our favour); the readiness wait after link up, i.e. the later of what
/// §6.6.1/§6.22 allow (100 ms, Immediate Readiness, RTR, or the DRS Message, bounded below by the last
/// poll that saw DRS Message Received clear) and the last instant a function still answered RRS;
/// and the VF Enable wait before a PF's VFs may be touched (§9.3.3.3.1).</item>
/// </list>
/// What is left out is the hypervisor's own overhead: poll granularity and nothing else.
/// </summary>
public readonly record struct RecoverySpecMinimum(SimTime OwnerWaits, bool Reset, SimTime Hold, SimTime LinkTraining, SimTime Readiness, SimTime VfEnable)
{
    /// <summary>Trst: the shortest time Secondary Bus Reset must be held (PCIe Base 6.0 §6.6.1, CEM).</summary>
    public static readonly SimTime ResetHold = SimTime.FromMilliseconds(1);

    /// <summary>The floor; <see cref="Hold"/> is Trst for an SBR and zero for an FLR (no link goes down).</summary>
    public SimTime Total => Reset ? OwnerWaits + Hold + LinkTraining + Readiness + VfEnable : OwnerWaits;
}
