namespace Bridgekeeper.Hardware;

/// <summary>The event kinds of the timeline (the `kind` field of <c>--json</c>).</summary>
public static class EventKinds
{
    // Recovery (named by the recovery issue; every consumer keys on these strings).
    public const string ErrorDetected = "error-detected";
    public const string OwnerNotified = "owner-notified";
    public const string OwnerVote = "owner-vote";
    public const string OwnerQuiesced = "owner-quiesced";
    public const string DmaBlocked = "dma-blocked";
    public const string SbrAssert = "sbr-assert";
    public const string SbrDeassert = "sbr-deassert";
    /// <summary>Function Level Reset initiated (Device Control bit 15): the reset of a scope that is one function (an RCiEP or RCEC).</summary>
    public const string FlrInitiated = "flr-initiated";
    public const string DeviceReady = "device-ready";
    public const string ConfigRestored = "config-restored";
    public const string DmaUnblocked = "dma-unblocked";
    public const string OwnerResumed = "owner-resumed";
    public const string RecoveryComplete = "recovery-complete";
    public const string RecoveryFailed = "recovery-failed";
    /// <summary>A recovery taken over, before its reset, by the recovery of a scope that covers it (its functions go on there).</summary>
    public const string RecoveryMerged = "recovery-merged";
    public const string DeviceQuarantined = "device-quarantined";

    // Scenario composition.
    /// <summary>
    /// An error a scenario injected was not signalled: the function was held in reset, not yet
    /// Configuration-Ready, removed or absent at that moment (PCIe Base 6.0 §6.6.1, §2.3.1). Shown so a
    /// scenario's error never disappears without a trace.
    /// </summary>
    public const string ErrorDropped = "error-dropped";

    /// <summary>
    /// A fault a scenario scheduled (never-ready, surprise removal, link down) was applied to the function,
    /// or not, because nothing was there at that moment: a replayed run shows why a device vanished.
    /// </summary>
    public const string FaultInjected = "fault-injected";
}
