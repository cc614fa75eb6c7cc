using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// Physical config access through the ECAM the hypervisor owns (PCIe Base 6.0 §7.2.2). Accesses are
/// 1, 2 or 4 bytes, naturally aligned. A function that does not exist reads all ones and ignores
/// writes. A function still initialising after a reset answers with Request Retry Status: with RRS
/// Software Visibility enabled in its root port (Root Control bit 4), a 2- or 4-byte read of the
/// Vendor ID returns 0x0001 (§2.3.2); other reads return all ones.
/// </summary>
public interface IConfigAccess
{
    uint Read(Sbdf function, int offset, int size);

    void Write(Sbdf function, int offset, int size, uint value);
}
