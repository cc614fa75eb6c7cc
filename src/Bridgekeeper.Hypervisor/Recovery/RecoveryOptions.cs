using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>Every wait of a recovery, in virtual time, with its spec basis.</summary>
public sealed record RecoveryOptions
{
    /// <summary>How long an owner has to answer each step; after that it counts as silent (NEED_RESET).</summary>
    public SimTime VoteTimeout { get; init; } = SimTime.FromMilliseconds(100);

    /// <summary>How long owners have to quiesce once the reset is decided; after that the reset goes ahead.</summary>
    public SimTime QuiesceTimeout { get; init; } = SimTime.FromMilliseconds(500);

    /// <summary>SBR hold: at least Trst = 1 ms (PCIe Base 6.0 §7.5.1.3.13 via the CEM spec).</summary>
    public SimTime SbrHold { get; init; } = SimTime.FromMilliseconds(1);

    /// <summary>Link training limit after the reset (Linux PCIE_LINK_RETRAIN_TIMEOUT_MS).</summary>
    public SimTime LinkUpTimeout { get; init; } = SimTime.FromMilliseconds(1000);

    /// <summary>Wait after link up (or after reset for ports of 5 GT/s or less) before config requests (§6.6.1).</summary>
    public SimTime ReadyDelay { get; init; } = SimTime.FromMilliseconds(100);

    /// <summary>A function still answering RRS this long after the reset is not coming back (§6.6.1: 1.0 s).</summary>
    public SimTime ReadinessLimit { get; init; } = SimTime.FromMilliseconds(1000);

    /// <summary>Wait after a PF's VF Enable is restored before its VFs are touched (PCIe Base 6.0 §9.3.3.3.1: 100 ms).</summary>
    public SimTime VfEnableDelay { get; init; } = SimTime.FromMilliseconds(100);

    /// <summary>Interval between reads of DRS Message Received while both ends support DRS (§6.22.1: a non-blocking poll).</summary>
    public SimTime DrsPollInterval { get; init; } = SimTime.FromMilliseconds(1);

    /// <summary>Longest interval between RRS polls (Linux doubles from 1 ms; capped to keep latency near the floor).</summary>
    public SimTime MaxPollInterval { get; init; } = SimTime.FromMilliseconds(4);

    /// <summary>True when the hypervisor owns AER (native); false in firmware-first mode, where AER registers are never touched.</summary>
    public bool AerNative { get; init; } = true;
}
