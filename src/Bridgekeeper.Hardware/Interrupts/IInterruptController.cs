namespace Bridgekeeper.Hardware;

/// <summary>
/// A GIC-like interrupt controller as the hypervisor sees it: physical SPIs (INTx, wired root-port
/// AER interrupts, GSIV/SCI/GPIO firmware notifications) delivered to handlers the hypervisor
/// registers; LPIs through the ITS, keyed by (DeviceID, EventID); and virtual interrupt injection
/// into a guest vCPU through its list registers.
/// </summary>
public interface IInterruptController
{
    /// <summary>Registers the hypervisor's handler for a physical SPI (INTID 32..1019).</summary>
    void OnSpi(uint intId, Action handler);

    /// <summary>Maps an ITS (DeviceID, EventID) to a virtual LPI of a domain (the device's MSI after assignment).</summary>
    void MapLpi(uint deviceId, uint eventId, DomainId domain, uint virtualIntId);

    /// <summary>Removes every ITS mapping of a DeviceID (before the device changes owner).</summary>
    void UnmapDevice(uint deviceId);

    /// <summary>Places a virtual interrupt in a free list register of the domain's vCPU.</summary>
    void InjectVirtual(DomainId domain, int vcpu, uint virtualIntId);
}
