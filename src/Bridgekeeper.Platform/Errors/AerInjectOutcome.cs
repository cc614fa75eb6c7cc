namespace Bridgekeeper.Platform;

/// <summary>The result of an injection, as QEMU's <c>pcie_aer_inject_error</c> returns it.</summary>
public enum AerInjectOutcome
{
    /// <summary>Logged (and, where enabled, signalled upstream).</summary>
    Injected,
    /// <summary>The function has no PCI Express capability (QEMU: -ENOSYS).</summary>
    NotPciExpress,
    /// <summary>The status value is not exactly one supported bit of its class (QEMU: -EINVAL).</summary>
    InvalidStatus,
}
