namespace Bridgekeeper.Platform;

/// <summary>
/// Whether error logging stores registers as hardware does or as QEMU 10's <c>hw/pci/pcie_aer.c</c>
/// does. The reference machine (linux-groups/j_aer_latched) was QEMU, and its config dumps show two
/// stores no PCIe component makes; <see cref="Qemu10"/> reproduces them so a clone of that machine
/// ends every injection round byte-identical to QEMU's next dump.
/// </summary>
public enum AerQuirks
{
    /// <summary>Hardware (PCIe Base 6.0): only the registers §6.2.5 names change.</summary>
    None,
    /// <summary>
    /// QEMU 10. (1) <c>pcie_aer_inject_uncor_error</c> stores Device Status with <c>pci_set_long</c>,
    /// so the dword at Device Status is written and Link Capabilities bits 15:0 (Max Link Speed, Max
    /// Link Width, ASPM Support; RO/HwInit per §7.5.3.6) read 0 afterwards; the correctable path
    /// stores a word and leaves them. (2) <c>pcie_aer_update_log</c> zeroes the 16-byte TLP Prefix
    /// Log at AER + 0x38 whenever it logs a header without a prefix, even where the capability is
    /// shorter, so the next capability's first bytes (QEMU's e1000e puts DSN at AER + 0x40) are
    /// zeroed too.
    /// </summary>
    Qemu10,
}
