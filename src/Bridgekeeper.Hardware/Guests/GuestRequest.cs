using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// One message from the hypervisor to a domain about a device it owns, in the spirit of Xen pciback's
/// AER operations (<c>XEN_PCI_OP_aer_detected</c>, <c>_aer_mmio</c>, <c>_aer_slotreset</c>,
/// <c>_aer_resume</c>) plus the two endings: the device was removed, or failed for good.
/// The domain answers with <see cref="IHypervisorEntry.Reply"/> quoting <see cref="Id"/>.
/// </summary>
public sealed record GuestRequest(
    long Id,
    DomainId Domain,
    Sbdf VirtualDevice,
    Sbdf PhysicalDevice,
    GuestRequestKind Kind,
    ErrorSeverity Severity);

public enum GuestRequestKind
{
    ErrorDetected,
    MmioEnabled,
    SlotReset,
    Resume,
    /// <summary>Virtual surprise removal: the device is gone from the domain.</summary>
    DeviceRemoved,
    /// <summary>Permanent failure: the device stays visible but is dead (Linux's pci_channel_io_perm_failure).</summary>
    PermanentFailure,
    /// <summary>
    /// Paravirtual "stop I/O, a reset is coming": the merged vote decided a reset of the scope and
    /// this owner (which voted CAN_RECOVER, or had not been told to stop yet) must quiesce before the
    /// Secondary Bus Reset hits its device (issue 6). It answers like its quiesce: the explicit call
    /// or a trapped SBR write in its virtual root port; no vote. Linux has no such callback because
    /// there the kernel owns every driver it resets; here the owners are other domains.
    /// </summary>
    ResetPending,
}
