namespace Bridgekeeper.Hardware;

/// <summary>
/// The system MMU (an SMMUv3 on Arm): one context per StreamID. The hypervisor attaches a StreamID
/// to a domain's translation, blocks it (every DMA faults), or detaches it (no context: every DMA
/// faults as well). Faults are recorded by the IOMMU and read back in order.
/// </summary>
public interface IIommu
{
    void Attach(uint streamId, DomainId domain);

    void Block(uint streamId);

    void Detach(uint streamId);

    IommuContext ContextOf(uint streamId);

    /// <summary>Faults recorded since the last call, oldest first.</summary>
    IReadOnlyList<IommuFault> DrainFaults();
}
