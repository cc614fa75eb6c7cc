namespace Bridgekeeper.Hardware;

/// <summary>
/// An owner's answer at a recovery step, Linux's <c>pci_ers_result_t</c> (include/linux/pci.h).
/// Values are Linux's so that a trace reads the same.
/// </summary>
public enum RecoveryVote
{
    /// <summary>No result/none (PCI_ERS_RESULT_NONE).</summary>
    None = 1,
    /// <summary>The driver can recover without a reset (CAN_RECOVER).</summary>
    CanRecover = 2,
    /// <summary>The driver needs a reset (NEED_RESET).</summary>
    NeedReset = 3,
    /// <summary>The device is dead; give up (DISCONNECT).</summary>
    Disconnect = 4,
    /// <summary>The driver is fully recovered (RECOVERED).</summary>
    Recovered = 5,
    /// <summary>The device has no error-aware driver (NO_AER_DRIVER).</summary>
    NoAerDriver = 6,
}
