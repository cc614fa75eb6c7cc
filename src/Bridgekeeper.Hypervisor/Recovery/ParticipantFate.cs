namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>How a function in the reset scope ends a recovery.</summary>
public enum ParticipantFate
{
    /// <summary>Still in recovery.</summary>
    Active,
    /// <summary>Recovered and handed back to its owner (or, unowned, left ready).</summary>
    Resumed,
    /// <summary>Gone (link down, surprise removal) or given up by its owner: owner told of a virtual surprise removal; quarantined.</summary>
    Removed,
    /// <summary>Owner silent or without an error handler: owner told of a permanent failure; quarantined.</summary>
    Failed,
    /// <summary>Never ready, or failed again after the reset: owner told of a permanent failure; marked broken.</summary>
    Broken,
}
