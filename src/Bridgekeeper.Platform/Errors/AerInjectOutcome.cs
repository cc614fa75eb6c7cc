namespace Bridgekeeper.Platform;

/// <summary>The result of an injection, as QEMU's <c>pcie_aer_inject_error</c> returns it, plus the cases real hardware adds.</summary>
public enum AerInjectOutcome
{
    /// <summary>Logged (and, where enabled, signalled upstream).</summary>
    Injected,
    /// <summary>The function has no PCI Express capability (QEMU: -ENOSYS).</summary>
    NotPciExpress,
    /// <summary>The status value is not exactly one supported bit of its class (QEMU: -EINVAL).</summary>
    InvalidStatus,
    /// <summary>
    /// Dropped: the function is held in reset (Secondary Bus Reset or Link Disable above it, link
    /// down). Its logic is in reset and its link is down (PCIe Base 6.0 §6.6.1; DL_Down discards
    /// TLPs, §2.9.1), so nothing can be detected, logged or sent. Recorded in <see cref="AerEngine.Dropped"/>.
    /// </summary>
    HeldInReset,
    /// <summary>
    /// Dropped: the function left reset but is not yet Configuration-Ready (it answers RRS, §2.3.1,
    /// §6.6.1). Until then its registers are not reachable and, reset having cleared every reporting
    /// enable, nothing it logged could be signalled. Recorded in <see cref="AerEngine.Dropped"/>.
    /// </summary>
    NotReady,
    /// <summary>Dropped: the function was surprise-removed (§6.7.3). Recorded in <see cref="AerEngine.Dropped"/>.</summary>
    Removed,
}
