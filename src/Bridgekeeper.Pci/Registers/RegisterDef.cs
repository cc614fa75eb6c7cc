namespace Bridgekeeper.Pci;

/// <summary>
/// One register of a config-space structure, as the spec declares it: offset from the structure's
/// start, width in bytes, name, and which bits have which attribute (PCIe Base 6.0 §7.4, "Register
/// and Register Bit-Field Types"). Bits in no mask are read-only (RO). Sticky is orthogonal: RWS is
/// <c>Rw | Sticky</c>, RW1CS is <c>Rw1c | Sticky</c>, ROS is <c>Sticky</c> alone; sticky bits keep their
/// value across a conventional reset. HwInit bits are read-only to software but set by firmware or
/// hardware at initialisation; RsvdP must be preserved by writers, RsvdZ written as zero.
/// </summary>
public readonly record struct RegisterDef(
    int Offset,
    int Width,
    string Name,
    uint Rw = 0,
    uint Rw1c = 0,
    uint Sticky = 0,
    uint RsvdP = 0,
    uint RsvdZ = 0,
    uint HwInit = 0)
{
    /// <summary>All bits of the register's width.</summary>
    public uint WidthMask => Width == 4 ? 0xFFFF_FFFFu : (1u << (Width * 8)) - 1;

    /// <summary>Bits that are read-only to software (explicitly RO, not reserved, not HwInit).</summary>
    public uint ReadOnly => WidthMask & ~(Rw | Rw1c | RsvdP | RsvdZ | HwInit);

    /// <summary>The attribute of one bit, for display and tests.</summary>
    public BitAttribute AttributeOf(int bit)
    {
        uint m = 1u << bit;
        bool sticky = (Sticky & m) != 0;
        if ((Rw & m) != 0) return sticky ? BitAttribute.RwS : BitAttribute.Rw;
        if ((Rw1c & m) != 0) return sticky ? BitAttribute.Rw1cS : BitAttribute.Rw1c;
        if ((RsvdP & m) != 0) return BitAttribute.RsvdP;
        if ((RsvdZ & m) != 0) return BitAttribute.RsvdZ;
        if ((HwInit & m) != 0) return BitAttribute.HwInit;
        return sticky ? BitAttribute.RoS : BitAttribute.Ro;
    }

    /// <summary>Why the definition is inconsistent, or null when it is sound.</summary>
    public string? Problem()
    {
        if (Width is not (1 or 2 or 4)) return $"{Name}: width {Width} is not 1, 2 or 4";
        if (Offset % Width != 0) return $"{Name}: offset 0x{Offset:X} is not aligned to its width {Width}";
        uint[] masks = [Rw, Rw1c, RsvdP, RsvdZ, HwInit];
        uint seen = 0;
        foreach (uint m in masks)
        {
            if ((m & ~WidthMask) != 0) return $"{Name}: a mask has bits beyond its width";
            if ((seen & m) != 0) return $"{Name}: attribute masks overlap (0x{seen & m:X})";
            seen |= m;
        }
        if ((Sticky & (RsvdP | RsvdZ)) != 0) return $"{Name}: a reserved bit cannot be sticky";
        if ((Sticky & ~WidthMask) != 0) return $"{Name}: sticky mask has bits beyond its width";
        return null;
    }
}
