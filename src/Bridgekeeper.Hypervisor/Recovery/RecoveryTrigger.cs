namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>What moves a recovery on. Every wait ends in either its event or <see cref="StepTimeout"/>.</summary>
public enum RecoveryTrigger
{
    Start,
    /// <summary>Votes are in (or timed out) and nobody needs a reset.</summary>
    NoResetNeeded,
    /// <summary>Votes are in (or timed out) and the scope must be reset (fatal, NEED_RESET, or a silent owner).</summary>
    ResetNeeded,
    /// <summary>Nothing in the scope can be recovered.</summary>
    Unrecoverable,
    /// <summary>Votes are in and every owner recovered.</summary>
    Recovered,
    AllQuiesced,
    StepTimeout,
    HoldElapsed,
    LinkUp,
    LinkDown,
    DelayElapsed,
    /// <summary>Every function is ready, or the readiness limit passed with at least one ready.</summary>
    ReadinessSettled,
    NoneReady,
    /// <summary>The scope cannot be reset: a function-level scope whose function does not support FLR.</summary>
    ResetUnsupported,
    /// <summary>An error in a scope covering this one started a recovery that takes this one over (before any reset).</summary>
    TakenOver,
    /// <summary>Another uncorrectable error in the scope while recovery runs.</summary>
    SecondError,
}
