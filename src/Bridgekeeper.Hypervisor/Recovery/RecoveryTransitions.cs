using System.Collections.Frozen;
using static Bridgekeeper.Hypervisor.Recovery.RecoveryState;
using static Bridgekeeper.Hypervisor.Recovery.RecoveryTrigger;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The recovery state machine as data. A pair missing here is an illegal transition and throws.
/// A second error before the reset is absorbed (the reset clears it too); once the reset has
/// started it means the device cannot be trusted, and recovery fails.
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
            [(AwaitingDetectedVotes, SecondError)] = AwaitingDetectedVotes,

            [(AwaitingMmioVotes, Recovered)] = Complete,
            [(AwaitingMmioVotes, ResetNeeded)] = AwaitingQuiesce,
            [(AwaitingMmioVotes, Unrecoverable)] = Failed,
            [(AwaitingMmioVotes, SecondError)] = AwaitingMmioVotes,

            [(AwaitingQuiesce, AllQuiesced)] = ResetAsserted,
            [(AwaitingQuiesce, StepTimeout)] = ResetAsserted,             // nothing hangs: the reset goes ahead
            [(AwaitingQuiesce, SecondError)] = AwaitingQuiesce,

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
