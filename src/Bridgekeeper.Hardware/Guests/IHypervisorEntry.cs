using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// What domains can do to the hypervisor: trapped config accesses (a guest's to its virtual host
/// bridge, the hardware domain's to the physical ECAM, serialised), replies on the recovery channel,
/// and the explicit "quiesced" call. The hypervisor implements this; simulated domains call it.
/// </summary>
public interface IHypervisorEntry
{
    uint ConfigRead(DomainId domain, Sbdf device, int offset, int size);

    void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value);

    void Reply(DomainId domain, long requestId, RecoveryVote vote);

    /// <summary>The domain's drivers for <paramref name="virtualDevice"/> have stopped all I/O.</summary>
    void Quiesced(DomainId domain, Sbdf virtualDevice);
}
