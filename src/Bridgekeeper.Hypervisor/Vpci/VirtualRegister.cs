namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>Reads an emulated register: returns its whole value (<paramref name="size"/> bytes at <paramref name="offset"/>).</summary>
public delegate uint VirtualRegisterRead(int offset, int size);

/// <summary>
/// Writes an emulated register with a value already passed through the register's masks: RO and
/// RsvdP bits hold the current value, RsvdZ bits are zero, and an RW1C bit set to 1 means "clear".
/// </summary>
public delegate void VirtualRegisterWrite(int offset, int size, uint value);

/// <summary>
/// One emulated register in Xen's vPCI model (<c>vpci_add_register_mask</c>): offset and size (1, 2
/// or 4, naturally aligned), a read handler (null: reads all ones), a write handler (null: writes
/// ignored), and four disjoint masks applied once in the shared dispatch path, never in handlers:
/// read-only, write-1-to-clear, reserved-preserved and reserved-zero (PCIe Base 6.0 §7.4).
/// <see cref="ShadowBacked"/> promises that the handlers are exactly the table's shadow: the read returns
/// the shadow bytes and the write (if any) stores the masked value with RW1C semantics and nothing
/// else, so the table may serve the register straight from the shadow without calling them.
/// <see cref="ReadsShadow"/> promises only the read: the value is always the shadow's bytes (the write
/// handler keeps them current), so reads skip the handler and writes still call it.
/// </summary>
public readonly record struct VirtualRegister(
    int Offset,
    int Size,
    string Name,
    VirtualRegisterRead? Read,
    VirtualRegisterWrite? Write,
    uint ReadOnly = 0,
    uint Rw1c = 0,
    uint RsvdP = 0,
    uint RsvdZ = 0,
    bool ShadowBacked = false,
    bool ReadsShadow = false)
{
    public int End => Offset + Size;

    public uint WidthMask => Size == 4 ? 0xFFFF_FFFFu : (1u << (Size * 8)) - 1;

    /// <summary>Why the registration is invalid (Xen answers -EINVAL), or null when it is sound.</summary>
    public string? Problem()
    {
        if (Size is not (1 or 2 or 4)) return $"{Name}: size {Size} is not 1, 2 or 4";
        if (Offset < 0 || Offset + Size > VirtualRegisterTable.SpaceSize) return $"{Name}: offset 0x{Offset:X} is outside the 4 KiB config space";
        if (Offset % Size != 0) return $"{Name}: offset 0x{Offset:X} is not aligned to its size {Size}";
        if (Read is null && Write is null) return $"{Name}: neither a read nor a write handler";
        // The four masks in order (read-only, RW1C, RsvdP, RsvdZ); checked without an array, since every registration is checked.
        uint seen = 0;
        return MaskProblem(ReadOnly, ref seen) ?? MaskProblem(Rw1c, ref seen) ?? MaskProblem(RsvdP, ref seen) ?? MaskProblem(RsvdZ, ref seen);
    }

    private string? MaskProblem(uint mask, ref uint seen)
    {
        if ((mask & ~WidthMask) != 0) return $"{Name}: a mask has bits beyond its {Size}-byte width";
        if ((seen & mask) != 0) return $"{Name}: masks overlap in bits 0x{seen & mask:X}";
        seen |= mask;
        return null;
    }
}
