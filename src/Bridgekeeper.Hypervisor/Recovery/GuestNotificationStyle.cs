namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// How an owner learns of an error on its device, chosen per guest (the two options of the 2017
/// xen-devel design thread). The recovery channel messages are sent in every case.
/// </summary>
public enum GuestNotificationStyle
{
    /// <summary>Only the paravirtual recovery channel (the hardware domain, or a guest without either view).</summary>
    ChannelOnly,
    /// <summary>Option (a): a virtual GHES record with a CPER PCIe section, and its notification (ACPI guests).</summary>
    VirtualGhes,
    /// <summary>Option (b): shadow AER registers in a virtual root port and its interrupt through the list registers.</summary>
    VirtualRootPort,
}
