namespace Bridgekeeper.Platform;

/// <summary>How an uncorrectable error's Device Status update is stored (PCIe Base 6.0 §7.5.3.5).</summary>
public enum DeviceStatusWrite
{
    /// <summary>Hardware: the 16-bit Device Status register only.</summary>
    Word,
    /// <summary>
    /// QEMU 10 (<c>pcie_aer_inject_uncor_error</c> stores Device Status with <c>pci_set_long</c>):
    /// the dword at Device Status is written, so Link Capabilities bits 15:0 (the next two bytes,
    /// Max Link Speed, Max Link Width, ASPM Support) become 0. The reference machine's dumps
    /// (linux-groups/j_aer_latched) show it; no PCIe component does this, since Link Capabilities
    /// is read-only/HwInit (§7.5.3.6).
    /// </summary>
    QemuDword,
}
