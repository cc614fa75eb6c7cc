using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Folds one owner's vote into the running result with Linux's fixed precedence (<c>merge_result</c>,
/// drivers/pci/pcie/err.c): NO_AER_DRIVER always wins and sticks; NONE changes nothing; anything
/// replaces CAN_RECOVER or RECOVERED; NEED_RESET replaces DISCONNECT; otherwise the old result stays.
/// Pure, so it is tested as a table.
/// </summary>
public static class RecoveryVoteMerge
{
    public static RecoveryVote Merge(RecoveryVote current, RecoveryVote vote)
    {
        if (vote == RecoveryVote.NoAerDriver) return RecoveryVote.NoAerDriver;
        if (vote == RecoveryVote.None) return current;
        return current switch
        {
            RecoveryVote.CanRecover or RecoveryVote.Recovered => vote,
            RecoveryVote.Disconnect when vote == RecoveryVote.NeedReset => RecoveryVote.NeedReset,
            _ => current,
        };
    }
}
