using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>
/// What the passthrough core hands to error recovery (implemented by the recovery coordinator):
/// a guest's trapped Secondary Bus Reset on its virtual root port (option (b): the guest saying its
/// drivers are quiesced and it wants the device reset, as proposed in the xen-devel thread), and the
/// guest's replies and "quiesced" calls that arrive through <see cref="IHypervisorEntry"/>.
/// </summary>
public interface IRecoveryHooks
{
    /// <summary>The guest set SBR in the virtual root port above <paramref name="virtualDevice"/>; nothing reached hardware.</summary>
    void OnGuestRequestedSecondaryBusReset(DomainId domain, Sbdf virtualDevice);

    /// <summary>A domain answered recovery request <paramref name="requestId"/>.</summary>
    void OnGuestReply(DomainId domain, long requestId, RecoveryVote vote);

    /// <summary>A domain says its drivers for <paramref name="virtualDevice"/> have stopped all I/O.</summary>
    void OnGuestQuiesced(DomainId domain, Sbdf virtualDevice);
}
