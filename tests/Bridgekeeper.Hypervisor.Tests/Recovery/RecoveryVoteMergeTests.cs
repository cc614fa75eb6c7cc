using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Recovery;
using static Bridgekeeper.Hardware.RecoveryVote;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class RecoveryVoteMergeTests
{
    /// <summary>Linux's merge_result (drivers/pci/pcie/err.c), every pair: (current, vote) -> result.</summary>
    public static TheoryData<RecoveryVote, RecoveryVote, RecoveryVote> Table => new()
    {
        { CanRecover, None, CanRecover }, { CanRecover, CanRecover, CanRecover }, { CanRecover, NeedReset, NeedReset },
        { CanRecover, Disconnect, Disconnect }, { CanRecover, Recovered, Recovered }, { CanRecover, NoAerDriver, NoAerDriver },
        { Recovered, None, Recovered }, { Recovered, NeedReset, NeedReset }, { Recovered, Disconnect, Disconnect },
        { Recovered, CanRecover, CanRecover }, { Recovered, NoAerDriver, NoAerDriver },
        { NeedReset, None, NeedReset }, { NeedReset, CanRecover, NeedReset }, { NeedReset, Recovered, NeedReset },
        { NeedReset, Disconnect, NeedReset }, { NeedReset, NoAerDriver, NoAerDriver },
        { Disconnect, NeedReset, NeedReset }, { Disconnect, CanRecover, Disconnect }, { Disconnect, Recovered, Disconnect },
        { Disconnect, None, Disconnect }, { Disconnect, NoAerDriver, NoAerDriver },
        { NoAerDriver, NeedReset, NoAerDriver }, { NoAerDriver, Recovered, NoAerDriver }, { NoAerDriver, None, NoAerDriver },
        { None, NeedReset, None }, { None, NoAerDriver, NoAerDriver },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Merge_follows_linux_precedence(RecoveryVote current, RecoveryVote vote, RecoveryVote expected) =>
        Assert.Equal(expected, RecoveryVoteMerge.Merge(current, vote));

    [Fact]
    public void No_aer_driver_sticks_whatever_follows()
    {
        var r = RecoveryVoteMerge.Merge(CanRecover, NoAerDriver);
        foreach (var v in Enum.GetValues<RecoveryVote>()) r = RecoveryVoteMerge.Merge(r, v);
        Assert.Equal(NoAerDriver, r);
    }

    [Fact]
    public void An_illegal_transition_throws_naming_state_and_trigger()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => RecoveryTransitions.Apply(RecoveryState.Complete, RecoveryTrigger.LinkUp));
        Assert.Contains("Complete", ex.Message);
        Assert.Contains("LinkUp", ex.Message);
    }

    [Fact]
    public void Every_wait_state_has_a_way_out_and_every_live_state_fails_on_a_second_error()
    {
        var waits = new[] { RecoveryState.AwaitingQuiesce, RecoveryState.ResetAsserted, RecoveryState.AwaitingLinkUp,
            RecoveryState.AwaitingReadyDelay, RecoveryState.PollingReadiness, RecoveryState.AwaitingSlotResetVotes };
        foreach (var s in waits) Assert.Contains(RecoveryTransitions.Next.Keys, k => k.Item1 == s);
        foreach (var s in waits.Append(RecoveryState.AwaitingDetectedVotes).Append(RecoveryState.AwaitingMmioVotes)) Assert.Equal(RecoveryState.Failed, RecoveryTransitions.Apply(s, RecoveryTrigger.SecondError));
        Assert.Equal(RecoveryState.ResetAsserted, RecoveryTransitions.Apply(RecoveryState.AwaitingQuiesce, RecoveryTrigger.StepTimeout));
    }
}
