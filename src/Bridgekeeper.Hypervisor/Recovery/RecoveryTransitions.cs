using System.Collections.Frozen;
using static Bridgekeeper.Hypervisor.Recovery.RecoveryState;
using static Bridgekeeper.Hypervisor.Recovery.RecoveryTrigger;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The recovery state machine as data. A pair missing here is an illegal transition and throws.
/// Before the reset, <see cref="RecoveryProcess.OnSecondError"/> absorbs an error on a new function
/// and quarantines a function failing again; SecondError reaches the machine there only when no
/// function is left, and fails it. Once the reset has started any error means the scope cannot be
/// trusted: recovery fails and every function is broken.
/// </summary>
public static class RecoveryTransitions
{
    public static readonly FrozenDictionary<(RecoveryState, RecoveryTrigger), RecoveryState> Next =
        new Dictionary<(RecoveryState, RecoveryTrigger), RecoveryState>
        {
            [(Detected, Start)] = AwaitingDetectedVotes,

            [(AwaitingDetectedVotes, NoResetNeeded)] = AwaitingMmioVotes,
            [(AwaitingDetectedVotes, ResetNeeded)] = AwaitingQuiesce,     // a silent owner counts as NEED_RESET
            [(AwaitingDetectedVotes, Unrecoverable)] = Failed,
            [(AwaitingDetectedVotes, SecondError)] = Failed,

            [(AwaitingMmioVotes, Recovered)] = Complete,
            [(AwaitingMmioVotes, ResetNeeded)] = AwaitingQuiesce,
            [(AwaitingMmioVotes, Unrecoverable)] = Failed,
            [(AwaitingMmioVotes, SecondError)] = Failed,

            [(AwaitingQuiesce, AllQuiesced)] = ResetAsserted,
            [(AwaitingQuiesce, StepTimeout)] = ResetAsserted,             // nothing hangs: the reset goes ahead
            [(AwaitingQuiesce, SecondError)] = Failed,

            // A covering scope's recovery takes over before the reset: one reset, the outer one.
            [(AwaitingDetectedVotes, TakenOver)] = Superseded,
            [(AwaitingMmioVotes, TakenOver)] = Superseded,
            [(AwaitingQuiesce, TakenOver)] = Superseded,

            [(ResetAsserted, ResetUnsupported)] = Failed,                 // an RCiEP without FLR: nothing can reset it

            [(ResetAsserted, HoldElapsed)] = AwaitingLinkUp,
            [(ResetAsserted, SecondError)] = Failed,

            [(AwaitingLinkUp, LinkUp)] = AwaitingReadyDelay,
            [(AwaitingLinkUp, LinkDown)] = Failed,                        // surprise removal
            [(AwaitingLinkUp, SecondError)] = Failed,

            [(AwaitingReadyDelay, DelayElapsed)] = PollingReadiness,
            [(AwaitingReadyDelay, SecondError)] = Failed,

            [(PollingReadiness, ReadinessSettled)] = AwaitingSlotResetVotes,
            [(PollingReadiness, NoneReady)] = Failed,
            [(PollingReadiness, SecondError)] = Failed,

            [(AwaitingSlotResetVotes, Recovered)] = Complete,
            [(AwaitingSlotResetVotes, SecondError)] = Failed,
        }.ToFrozenDictionary();

    public static RecoveryState Apply(RecoveryState state, RecoveryTrigger trigger) =>
        Next.TryGetValue((state, trigger), out var next)
            ? next
            : throw new InvalidOperationException($"recovery: no transition from {state} on {trigger}");
}
