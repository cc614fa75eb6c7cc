using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>One function in a reset scope, its owner (if any) and what the owner has said so far.</summary>
public sealed class RecoveryParticipant(Sbdf function, DeviceOwner? owner, ConfigSnapshot? snapshot)
{
    public Sbdf Function { get; } = function;

    public DeviceOwner? Owner { get; } = owner;

    public ConfigSnapshot? Snapshot { get; } = snapshot;

    /// <summary>The owner's answer at the current step; null while it has not answered.</summary>
    public RecoveryVote? LastVote { get; set; }

    /// <summary>The request the owner must answer now (0: none outstanding).</summary>
    public long PendingRequest { get; set; }

    /// <summary>The owner missed a deadline; from then on it counts as NEED_RESET and is not waited for.</summary>
    public bool Silent { get; set; }

    public bool Quiesced { get; set; }

    /// <summary>
    /// The owner knows a reset is coming, so its driver stops I/O by itself: it was told of a fatal
    /// error, voted NEED_RESET at error_detected, or was sent <see cref="GuestRequestKind.ResetPending"/>.
    /// </summary>
    public bool ExpectsReset { get; set; }

    /// <summary>
    /// The reset waits for this owner: once the scope is to be reset, every owner still taking part
    /// (issue 6: the SBR never hits a device whose owner still runs I/O on it).
    /// </summary>
    public bool MustQuiesce { get; set; }

    public bool Ready { get; set; }

    /// <summary>Taken over from a recovery of a scope inside this one: already told of the error, its answer carried over.</summary>
    public bool Carried { get; set; }

    public ParticipantFate Fate { get; set; } = ParticipantFate.Active;

    public bool IsOwned => Owner is not null;

    /// <summary>Still taking part: owned, not silent, not given up.</summary>
    public bool IsActiveOwner => Owner is not null && !Silent && Fate == ParticipantFate.Active
        && LastVote is not (RecoveryVote.Disconnect or RecoveryVote.NoAerDriver);
}
