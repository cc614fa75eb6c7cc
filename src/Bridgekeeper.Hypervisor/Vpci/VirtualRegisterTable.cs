using System.Runtime.CompilerServices;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// One function's emulated config space in Xen's vPCI model (xen/drivers/vpci/vpci.c): a set of
/// non-overlapping <see cref="VirtualRegister"/> registrations, kept compiled into a per-byte index
/// so dispatch is one array lookup per register touched (no list walk). An access of 1, 2, 4 or 8
/// bytes is split across the registers it covers and the parts are merged back; bytes no register
/// claims read as all ones and writes to them are dropped and counted, because a guest sees only
/// what is registered (Xen commit 80b0eb095a). Dispatch allocates nothing.
/// <para>
/// Speed: most of a guest's config space is shadow (IDs, capability headers, the virtual AER). For
/// each dword whose bytes are all unclaimed or in <see cref="VirtualRegister.ShadowBacked"/> registers,
/// a precomputed <see cref="DwordPlan"/> folds the registers' masks into five bit masks, so an access
/// there is one shadow load (and a store for a write) with no handler call, however many registers the
/// dword holds. Registers that keep their guest-visible value in the shadow but need their own write
/// handler (<see cref="VirtualRegister.ReadsShadow"/>: Command, BARs) get the fast read only. Every other
/// dword takes the general path below, with identical results.
/// </para>
/// </summary>
public sealed class VirtualRegisterTable
{
    public const int SpaceSize = 4096;

    // The plans and the byte index cover config space only up to the end of the last register added
    // (rounded up to a power of two of dwords); every dword beyond is unclaimed and served by
    // _unclaimed. A guest function's registers end by 0x148, so a table is a few hundred bytes of index
    // rather than 32 KiB, and building one per assignment does not fill 1024 identical plans.
    private DwordPlan[] _plans = [];
    private DwordPlan _unclaimed; // not readonly: dispatch takes a ref to it (never written after construction)

    private VirtualRegister[] _registers = new VirtualRegister[64];
    private int _count;
    // Register index + 1 for each config byte below _plans.Length * 4; 0 = unclaimed.
    private ushort[] _byteToRegister = [];
    // The shadow's handlers, one delegate each per table (not one per registration): the read, and the
    // RW1C-aware store for each distinct RW1C mask (a function has only a handful).
    private readonly VirtualRegisterRead? _shadowRead;
    private (uint Rw1c, VirtualRegisterWrite Write)[] _shadowWriters = [];

    /// <summary>A table whose shadow-backed registers live in <paramref name="shadow"/> (null: none are).</summary>
    public VirtualRegisterTable(ConfigSpace? shadow = null)
    {
        Shadow = shadow;
        _unclaimed = DwordPlan.Unclaimed(shadow is not null);
        if (shadow is not null) _shadowRead = shadow.Read;
    }

    /// <summary>The shadow config space that <see cref="VirtualRegister.ShadowBacked"/> registers are served from, or null.</summary>
    public ConfigSpace? Shadow { get; }

    /// <summary>The read handler of <see cref="Shadow"/> (<see cref="ConfigSpace.Read"/>), shared by every registration of this table.</summary>
    internal VirtualRegisterRead ShadowRead => _shadowRead ?? throw new InvalidOperationException("the table has no shadow");

    /// <summary>
    /// The shadow write for RW1C mask <paramref name="rw1c"/> (<see cref="ShadowRegisters.WriterFor"/>),
    /// made once per mask and shared by every registration of this table with that mask.
    /// </summary>
    internal VirtualRegisterWrite ShadowWriter(uint rw1c)
    {
        var shadow = Shadow ?? throw new InvalidOperationException("the table has no shadow");
        foreach (var (mask, write) in _shadowWriters)
            if (mask == rw1c) return write;
        var made = ShadowRegisters.WriterFor(shadow, rw1c);
        _shadowWriters = [.. _shadowWriters, (rw1c, made)];
        return made;
    }

    /// <summary>Grows the plans and byte index to cover [0, <paramref name="end"/>); new dwords are unclaimed.</summary>
    private void Cover(int end)
    {
        int dwords = (end + 3) >> 2;
        if (dwords <= _plans.Length) return;
        int size = Math.Min(SpaceSize / 4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(dwords, 16)));
        int old = _plans.Length;
        Array.Resize(ref _plans, size);
        Array.Fill(_plans, _unclaimed, old, size - old);
        Array.Resize(ref _byteToRegister, size * 4);
    }

    /// <summary>The register index + 1 at config byte <paramref name="pos"/> (0: unclaimed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexAt(int pos) => (uint)pos < (uint)_byteToRegister.Length ? _byteToRegister[pos] : 0;

    /// <summary>Accesses that touched at least one unclaimed byte on write (those bytes were dropped).</summary>
    public long DroppedWrites { get; private set; }

    /// <summary>Reads that touched at least one unclaimed byte (those bytes read as ones).</summary>
    public long UnclaimedReads { get; private set; }

    /// <summary>Accesses refused outright: bad size, misaligned, or past the end of config space.</summary>
    public long RefusedAccesses { get; private set; }

    public int Count => _count;

    /// <summary>The registrations in offset order (a copy, for inspection and tests).</summary>
    public IReadOnlyList<VirtualRegister> Registers
    {
        get
        {
            var list = new List<VirtualRegister>(_count);
            for (int i = 0; i < _count; i++) list.Add(_registers[i]);
            list.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            return list;
        }
    }

    /// <summary>Adds one register; refuses bad registrations and overlaps (Xen -EINVAL / -EEXIST).</summary>
    public void Add(in VirtualRegister register)
    {
        if (register.Problem() is { } why) throw new VirtualRegisterConflictException(why);
        Cover(register.End);
        for (int b = register.Offset; b < register.End; b++)
        {
            if (_byteToRegister[b] != 0)
            {
                var other = _registers[_byteToRegister[b] - 1];
                throw new VirtualRegisterConflictException(
                    $"{register.Name} at 0x{register.Offset:X3} ({register.Size} bytes) overlaps {other.Name} at 0x{other.Offset:X3} ({other.Size} bytes)");
            }
        }
        if (_count == ushort.MaxValue - 1) throw new VirtualRegisterConflictException("too many registers");
        if (_count == _registers.Length) Array.Resize(ref _registers, _count * 2);
        _registers[_count] = register;
        _count++;
        for (int b = register.Offset; b < register.End; b++)
            _byteToRegister[b] = (ushort)_count;
        Plan(register.Offset >> 2);
    }

    /// <summary>
    /// Changes the read-only mask of the register that starts at <paramref name="offset"/> (a BAR is
    /// read-only while it is mapped) and recomputes its dword's plan. Not for use on a hot path.
    /// </summary>
    public void SetReadOnly(int offset, uint readOnly)
    {
        int index = IndexAt(offset);
        if (index == 0 || _registers[index - 1].Offset != offset)
            throw new VirtualRegisterConflictException($"no register starts at 0x{offset:X3}");
        var changed = _registers[index - 1] with { ReadOnly = readOnly };
        if (changed.Problem() is { } why) throw new VirtualRegisterConflictException(why);
        _registers[index - 1] = changed;
        Plan(offset >> 2);
    }

    /// <summary>Recomputes one dword's fast plan from the registrations covering it.</summary>
    private void Plan(int dword)
    {
        var plan = _unclaimed;
        for (int b = 0; b < 4 && plan.FastRead; b++)
        {
            int index = _byteToRegister[dword * 4 + b];
            if (index != 0) plan.AddLane(b, in _registers[index - 1]);
        }
        plan.Fast &= plan.FastRead;
        _plans[dword] = plan;
    }

    /// <summary>
    /// Removes every register wholly inside [<paramref name="offset"/>, +<paramref name="size"/>);
    /// a register only partly inside is an error (Xen's <c>vpci_remove_registers</c>, -ERANGE).
    /// </summary>
    public int Remove(int offset, int size)
    {
        int end = offset + size;
        for (int i = 0; i < _count; i++)
        {
            var r = _registers[i];
            bool inside = r.Offset >= offset && r.End <= end;
            bool overlaps = r.Offset < end && r.End > offset;
            if (overlaps && !inside)
                throw new VirtualRegisterConflictException($"removing 0x{offset:X3}+{size} would cut {r.Name} at 0x{r.Offset:X3}");
        }
        var kept = new List<VirtualRegister>(_count);
        int removed = 0;
        for (int i = 0; i < _count; i++)
        {
            if (_registers[i].Offset >= offset && _registers[i].End <= end) removed++;
            else kept.Add(_registers[i]);
        }
        Array.Clear(_byteToRegister);
        Array.Clear(_registers);
        _count = 0;
        for (int d = 0; d < _plans.Length; d++) Plan(d);
        foreach (var r in kept) Add(r);
        return removed;
    }

    /// <summary>The register covering <paramref name="offset"/>, if any.</summary>
    public VirtualRegister? At(int offset) =>
        IndexAt(offset) is int index and not 0 ? _registers[index - 1] : null;

    /// <summary>True when 1, 2, 4 or 8 bytes at <paramref name="offset"/> is an access the spec allows (naturally aligned, inside 4 KiB).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValidAccess(int offset, int size) =>
        (size == 1 || size == 2 || size == 4 || size == 8) && (offset & (size - 1)) == 0 && (uint)offset <= (uint)(SpaceSize - size);

    /// <summary>
    /// A read of 1, 2, 4 or 8 bytes (8 is split into two dwords, as Xen's <c>vpci_ecam_read</c>).
    /// An invalid access reads all ones of its width and is counted.
    /// </summary>
    public ulong Read(int offset, int size)
    {
        if (!IsValidAccess(offset, size))
        {
            RefusedAccesses++;
            return size >= 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        }
        if (size == 8) return ReadSpan(offset, 4) | ((ulong)ReadSpan(offset + 4, 4) << 32);
        return ReadSpan(offset, size);
    }

    /// <summary>A write of 1, 2, 4 or 8 bytes (8 split low dword first). An invalid access is dropped and counted.</summary>
    public void Write(int offset, int size, ulong value)
    {
        if (!IsValidAccess(offset, size))
        {
            RefusedAccesses++;
            return;
        }
        if (size == 8)
        {
            WriteSpan(offset, 4, (uint)value);
            WriteSpan(offset + 4, 4, (uint)(value >> 32));
            return;
        }
        WriteSpan(offset, size, (uint)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WidthOf(int size) => size == 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;

    private uint ReadSpan(int offset, int size)
    {
        var plans = _plans;
        int dword = offset >> 2;
        ref readonly var plan = ref (uint)dword < (uint)plans.Length ? ref plans[dword] : ref _unclaimed;
        if (plan.FastRead)
        {
            int shift = (offset & 3) * 8;
            uint width = WidthOf(size);
            uint word = (Shadow!.Read(offset & ~3, 4) & plan.ReadMask) | plan.Ones;
            if (((plan.Ones >> shift) & width) != 0) UnclaimedReads++;
            return (word >> shift) & width;
        }
        return ReadRegisters(offset, size);
    }

    private uint ReadRegisters(int offset, int size)
    {
        // The access is exactly one register (the common case for a driver's accesses).
        int first = IndexAt(offset);
        if (first != 0)
        {
            ref readonly var only = ref _registers[first - 1];
            if (only.Offset == offset && only.Size == size && only.Read is not null)
                return only.Read(offset, size) & ~(only.RsvdP | only.RsvdZ);
        }
        uint result = 0;
        int pos = offset, end = offset + size;
        bool unclaimed = false;
        while (pos < end)
        {
            int index = IndexAt(pos);
            if (index == 0)
            {
                result |= 0xFFu << ((pos - offset) * 8);
                unclaimed = true;
                pos++;
                continue;
            }
            ref readonly var r = ref _registers[index - 1];
            // Reserved bits read as zero whatever the handler holds (PCIe Base 6.0 §7.4).
            uint value = r.Read is null ? 0xFFFF_FFFFu : r.Read(r.Offset, r.Size) & ~(r.RsvdP | r.RsvdZ);
            int last = Math.Min(end, r.End);
            int n = last - pos;
            uint part = value >> ((pos - r.Offset) * 8);
            if (n < 4) part &= (1u << (n * 8)) - 1;
            result |= part << ((pos - offset) * 8);
            pos = last;
        }
        if (unclaimed) UnclaimedReads++;
        return result;
    }

    private void WriteSpan(int offset, int size, uint value)
    {
        var plans = _plans;
        int dword = offset >> 2;
        ref readonly var plan = ref (uint)dword < (uint)plans.Length ? ref plans[dword] : ref _unclaimed;
        if (plan.Fast)
        {
            int aligned = offset & ~3;
            int shift = (offset & 3) * 8;
            uint written = WidthOf(size) << shift;
            uint v = value << shift;
            uint old = Shadow!.Read(aligned, 4);
            uint next = (v & plan.Writable) | (old & plan.Keep) | (old & plan.Clear & ~v);
            Shadow.Store(aligned, 4, (old & ~written) | (next & written));
            if ((plan.Ones & written) != 0) DroppedWrites++;
            return;
        }
        WriteRegisters(offset, size, value);
    }

    private void WriteRegisters(int offset, int size, uint value)
    {
        // The access is exactly one register with nothing to preserve (a BAR, a full RW register): the
        // read-modify-write of WriteRegister reduces to clearing RsvdZ, so call the handler directly.
        int first = IndexAt(offset);
        if (first != 0)
        {
            ref readonly var only = ref _registers[first - 1];
            if (only.Offset == offset && only.Size == size && only.Write is not null && (only.ReadOnly | only.RsvdP) == 0)
            {
                only.Write(offset, size, value & ~only.RsvdZ & only.WidthMask);
                return;
            }
        }
        int pos = offset, end = offset + size;
        bool dropped = false;
        while (pos < end)
        {
            int index = IndexAt(pos);
            if (index == 0)
            {
                dropped = true;
                pos++;
                continue;
            }
            ref readonly var r = ref _registers[index - 1];
            int last = Math.Min(end, r.End);
            if (r.Write is not null)
                WriteRegister(in r, pos, last - pos, value >> ((pos - offset) * 8));
            pos = last;
        }
        if (dropped) DroppedWrites++;
    }

    /// <summary>
    /// Xen's <c>vpci_write_helper</c>: a partial write, or one to a register with RO or RsvdP bits, is a
    /// read-modify-write whose current value has its RW1C bits cleared first, so writing one byte
    /// never clears a status bit in a neighbouring byte; then RO and RsvdP keep the current value and
    /// RsvdZ is written as zero.
    /// </summary>
    private static void WriteRegister(in VirtualRegister r, int pos, int n, uint bytes)
    {
        int shift = (pos - r.Offset) * 8;
        uint written = (n == 4 ? 0xFFFF_FFFFu : (1u << (n * 8)) - 1) << shift;
        uint data = (bytes << shift) & written;
        uint keep = r.ReadOnly | r.RsvdP;
        uint current = 0;
        if (n != r.Size || keep != 0)
        {
            current = r.Read is null ? 0 : r.Read(r.Offset, r.Size);
            data |= current & ~r.Rw1c & ~written;
        }
        data &= ~(keep | r.RsvdZ);
        data |= current & keep;
        r.Write!(r.Offset, r.Size, data & r.WidthMask);
    }
}
