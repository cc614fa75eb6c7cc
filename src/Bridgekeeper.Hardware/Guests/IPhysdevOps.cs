using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// The hardware domain's reports about the physical PCI hierarchy, after Xen's PHYSDEVOP hypercalls:
/// host bridges (<c>PHYSDEVOP_pci_mmcfg_reserved</c>), functions (<c>PHYSDEVOP_pci_device_add</c> with
/// flags and the PF of a VF, <c>_remove</c>) and reset notifications (<c>PHYSDEVOP_pci_device_reset</c>).
/// Reports may come in any order; the hypervisor checks each against its own ECAM reads.
/// </summary>
public interface IPhysdevOps
{
    PhysdevResult ReportHostBridge(ulong ecamBase, uint segment, byte startBus, byte endBus);

    PhysdevResult ReportDeviceAdd(Sbdf device, PhysdevDeviceFlags flags, Sbdf? physicalFunction, int? proximityDomain);

    PhysdevResult ReportDeviceRemove(Sbdf device);

    PhysdevResult ReportDeviceReset(Sbdf device);
}

[Flags]
public enum PhysdevDeviceFlags
{
    None = 0,
    /// <summary>An ARI extended function (Xen's XEN_PCI_DEV_EXTFN).</summary>
    ExtendedFunction = 1,
    /// <summary>A virtual function; the PF is given (XEN_PCI_DEV_VIRTFN).</summary>
    VirtualFunction = 2,
    /// <summary>A proximity domain is given (XEN_PCI_DEV_PXM).</summary>
    Proximity = 4,
}

/// <summary>The answer to a report: accepted, or refused with an errno-like code and the reason in words.</summary>
public readonly record struct PhysdevResult(bool Accepted, string Code, string Reason)
{
    public static readonly PhysdevResult Ok = new(true, "OK", "");

    public static PhysdevResult Refused(string code, string reason) => new(false, code, reason);

    public override string ToString() => Accepted ? "accepted" : $"refused ({Code}): {Reason}";
}
