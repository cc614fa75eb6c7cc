namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// One dword of a <see cref="VirtualRegisterTable"/> served straight from the shadow, with every covering
/// register's masks folded into five bit masks: a read is <c>(shadow &amp; ReadMask) | Ones</c> (reserved bits
/// read 0, unclaimed bytes all ones, PCIe Base 6.0 §7.4), a write on the written bytes is
/// <c>(value &amp; Writable) | (old &amp; Keep) | (old &amp; Clear &amp; ~value)</c> (RO, RsvdP and unclaimed keep;
/// RsvdZ writes 0; RW1C clears where written 1). <see cref="Fast"/> when every byte is unclaimed or in a
/// <see cref="VirtualRegister.ShadowBacked"/> register; <see cref="FastRead"/> when reads may be served
/// from the shadow (also <see cref="VirtualRegister.ReadsShadow"/> registers).
/// </summary>
internal struct DwordPlan
{
    public bool Fast;
    public bool FastRead;
    public uint ReadMask;
    public uint Ones;
    public uint Writable;
    public uint Keep;
    public uint Clear;

    /// <summary>A dword nothing claims yet (fast only when the table has a shadow).</summary>
    public static DwordPlan Unclaimed(bool hasShadow) =>
        new() { Fast = hasShadow, FastRead = hasShadow, ReadMask = 0xFFFF_FFFF, Ones = 0xFFFF_FFFF, Keep = 0xFFFF_FFFF };

    /// <summary>Folds in the register <paramref name="r"/> that covers byte <paramref name="lane"/> (0-3) of the dword.</summary>
    public void AddLane(int lane, in VirtualRegister r)
    {
        uint bits = 0xFFu << (lane * 8);
        Ones &= ~bits;
        Keep &= ~bits;
        if (!r.ShadowBacked) Fast = false;
        if (!r.ShadowBacked && !r.ReadsShadow)
        {
            FastRead = false;
            return;
        }
        int shift = (r.Offset & 3) * 8;
        uint keep = r.Write is null ? r.WidthMask : r.ReadOnly | r.RsvdP;
        uint clear = r.Write is null ? 0 : r.Rw1c;
        ReadMask &= ~(((r.RsvdP | r.RsvdZ) << shift) & bits);
        Keep |= (keep << shift) & bits;
        Clear |= (clear << shift) & bits;
        Writable |= ((r.WidthMask & ~(keep | clear | r.RsvdZ)) << shift) & bits;
    }
}
