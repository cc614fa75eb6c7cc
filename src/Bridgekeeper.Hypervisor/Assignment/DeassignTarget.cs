namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>Where a deassigned function goes (Xen: <c>dom_io</c> when quarantining, else the hardware domain; §13.4).</summary>
public enum DeassignTarget
{
    Quarantine,
    HardwareDomain,
}
