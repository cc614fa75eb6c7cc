namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// One BAR mapped into a guest's stage-2: guest physical range to host physical range. The page
/// offsets of the two addresses are equal (Xen's <c>modify_bars</c> refuses otherwise), so a BAR
/// smaller than a page lands at the same offset the device decodes.
/// </summary>
public readonly record struct BarMapping(int Bar, ulong GuestAddress, ulong HostAddress, ulong Size);
