namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>What a BAR register decodes (PCIe Base 6.0 §7.5.1.2.1), as Xen's <c>enum vpci_bar_type</c>.</summary>
public enum BarKind
{
    Empty,
    Io,
    Memory32,
    Memory64Low,
    Memory64High,
    Rom,
}

/// <summary>
/// One physical BAR as sized by the hypervisor: index (0-5, or 6 for the Expansion ROM), kind, whether
/// it is prefetchable, its host address and size in bytes. For a 64-bit BAR the high half is its own
/// entry of kind <see cref="BarKind.Memory64High"/> with the same address and size.
/// </summary>
public readonly record struct PhysicalBar(int Index, BarKind Kind, bool Prefetchable, ulong HostAddress, ulong Size)
{
    public const int RomIndex = 6;

    /// <summary>True for a BAR that can be mapped into a guest (memory, low half, or ROM) with a size.</summary>
    public bool IsMappable => Size != 0 && Kind is BarKind.Memory32 or BarKind.Memory64Low or BarKind.Rom;
}
