namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>Where one recovery stands; the phases of Linux's <c>pcie_do_recovery</c> plus the hypervisor's reset waits.</summary>
public enum RecoveryState
{
    Detected,
    /// <summary>error_detected sent to every owner in the scope; collecting votes.</summary>
    AwaitingDetectedVotes,
    /// <summary>Everyone could recover without reset (non-fatal): mmio_enabled sent.</summary>
    AwaitingMmioVotes,
    /// <summary>Reset decided: waiting for each owner to say it quiesced (trapped SBR write or explicit call).</summary>
    AwaitingQuiesce,
    /// <summary>DMA blocked and SBR asserted; holding it (PCIe Base 6.0 §7.5.1.3.13: at least Trst, 1 ms). For a function-level scope: waiting for pending transactions, then FLR.</summary>
    ResetAsserted,
    /// <summary>SBR deasserted; polling Data Link Layer Link Active of the bridge (§6.6.1).</summary>
    AwaitingLinkUp,
    /// <summary>Link up: the 100 ms (or shorter, with Immediate Readiness / RTR / DRS) before config requests (§6.6.1).</summary>
    AwaitingReadyDelay,
    /// <summary>Polling Vendor ID for RRS completions until every function is ready or the limit passes.</summary>
    PollingReadiness,
    /// <summary>Config restored; slot_reset sent to the owners.</summary>
    AwaitingSlotResetVotes,
    Complete,
    Failed,
    /// <summary>Absorbed, before its reset, by the recovery of a scope that covers it (its owners and votes moved there).</summary>
    Superseded,
}
