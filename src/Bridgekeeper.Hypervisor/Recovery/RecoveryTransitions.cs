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

    // Apply runs on every step of every recovery: the same pairs as Next, laid out as a dense
    // [state, trigger] table (-1 where Next has no pair), so a step costs an array read, not a hash.
    private static readonly int StateCount = Enum.GetValues<RecoveryState>().Length, TriggerCount = Enum.GetValues<RecoveryTrigger>().Length;
    private static readonly int[] Dense = BuildDense();

    private static int[] BuildDense()
    {
        var table = new int[StateCount * TriggerCount];
        Array.Fill(table, -1);
        foreach (var ((state, trigger), next) in Next) table[(int)state * TriggerCount + (int)trigger] = (int)next;
        return table;
    }

    public static RecoveryState Apply(RecoveryState state, RecoveryTrigger trigger)
    {
        int next = (uint)state < (uint)StateCount && (uint)trigger < (uint)TriggerCount ? Dense[(int)state * TriggerCount + (int)trigger] : -1;
        return next >= 0 ? (RecoveryState)next : throw new InvalidOperationException($"recovery: no transition from {state} on {trigger}");
    }
}
