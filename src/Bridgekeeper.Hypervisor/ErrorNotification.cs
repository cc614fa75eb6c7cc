namespace Bridgekeeper.Hypervisor;

/// <summary>
/// How a guest learns of an error on its device, the two options of the xen-devel design thread
/// (seed/xen-devel-arm-pci-passthrough-aer-thread.txt).
/// </summary>
public enum ErrorNotification
{
    /// <summary>(a) A virtual GHES record and ACPI notification (firmware-first in the guest); devices sit directly on bus 0.</summary>
    VirtualGhes,
    /// <summary>(b) A virtual root port above each device with shadow AER registers and a virtual interrupt.</summary>
    VirtualRootPort,
}
