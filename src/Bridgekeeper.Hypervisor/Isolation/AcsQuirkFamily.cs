namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// The families of Linux's device-specific ACS answers (<c>pci_dev_acs_enabled[]</c> in
/// drivers/pci/quirks.c): devices that isolate without a (correct) ACS capability, or that Linux
/// declares non-isolated.
/// </summary>
public enum AcsQuirkFamily
{
    /// <summary>AMD/ATI southbridge MFDs: only with an AMD IOMMU (ACPI IVRS), which an Arm host never has; no opinion here.</summary>
    AmdSouthbridge,
    /// <summary>Vendor-verified multifunction devices without internal P2P: SV, TB, RR, CR, UF and DT count as enabled.</summary>
    MultiFunctionEndpoint,
    /// <summary>Intel RCiEPs: P2P only on translated addresses (VT-d 3.1 §3.16), so SV, RR, CR, UF.</summary>
    IntelRootComplexEndpoint,
    /// <summary>Intel PCH root ports with ACS-like controls but no ACS capability (enabled through RCBA by Linux's enable quirk).</summary>
    IntelPchRootPort,
    /// <summary>Intel Sunrise/Union Point root ports: ACS capability and control are 32-bit, control at +8.</summary>
    IntelSptRootPort,
    /// <summary>Root ports without an ACS capability that block P2P (QCOM, HXT, X-Gene, Ampere, iProc, Loongson, NXP): SV, RR, CR, UF.</summary>
    RootPortWithoutAcs,
    /// <summary>Cavium ThunderX root ports (device ranges): SV, RR, CR, UF.</summary>
    CaviumRootPort,
    /// <summary>Amazon Annapurna Labs root ports: SV, RR, CR, UF masked out of the request.</summary>
    AnnapurnaRootPort,
    /// <summary>Zhaoxin root and downstream ports: listed IDs isolate, other ports of the vendor do not.</summary>
    ZhaoxinPort,
    /// <summary>Wangxun NICs: listed IDs isolate (SV, RR, CR, UF), other devices of the vendor do not.</summary>
    WangxunNic,
}
