using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's view of one function's BARs and Expansion ROM (Xen header.c, <c>guest_mem_bar_*</c>):
/// each BAR holds a guest address, masked with <c>~(size - 1)</c> on write so that writing all ones and
/// reading back gives the size (PCIe Base 6.0 §7.5.1.2.1). The type bits are the physical ones. A memory
/// BAR register is a plain shadow register whose read-only mask is the type bits plus the bits below its
/// size (and everything while it is mapped), so the table serves it like any shadow dword. I/O and
/// empty BARs read 0 (no I/O space on Arm). A BAR's guest address changes only while it is unmapped,
/// and mapping follows Memory Space Enable (and ROM Enable): see <see cref="SetDecode"/>. Pages that
/// hold emulated registers (the MSI-X table and PBA, <see cref="Trap"/>) are left out of the mapping,
/// so the guest's accesses there fault into the hypervisor (Xen's MSI-X "carve-out").
/// </summary>
public sealed class GuestBarSet
{
    public const ulong PageSize = 4096;

    private static readonly string[] BarNames = ["BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5"];

    private readonly PhysicalBar[] _bars;
    private readonly ulong[] _guestAddress;
    private readonly List<BarMapping> _mappings = [];
    private readonly List<(int Bar, ulong Start, ulong End)> _trapped = [];
    private bool _romEnabled;
    // The guest-visible register values live in the function's shadow: memory BARs entirely (their guest
    // address is read back from there), the ROM through its handler's Publish. -1: a slot without a register.
    private ConfigSpace? _shadow;
    private VirtualRegisterTable? _table;
    private readonly int[] _registerAt;

    public GuestBarSet(IReadOnlyList<PhysicalBar> bars)
    {
        // An indexed copy: the sizer's list through IReadOnlyList would otherwise be copied by enumeration.
        _bars = new PhysicalBar[bars.Count];
        for (int i = 0; i < _bars.Length; i++) _bars[i] = bars[i];
        _guestAddress = new ulong[_bars.Length];
        _registerAt = new int[_bars.Length];
        Array.Fill(_registerAt, -1);
    }

    public IReadOnlyList<PhysicalBar> Physical => _bars;

    public bool IsMapped { get; private set; }

    public IReadOnlyList<BarMapping> Mappings => _mappings;

    /// <summary>Why the last attempt to map failed, or null.</summary>
    public string? MapRefusal { get; private set; }

    public bool RomEnabled => _romEnabled;

    /// <summary>Pages of BAR space kept out of the guest's mapping: (BAR, first byte, end), page-aligned offsets into the BAR.</summary>
    public IReadOnlyList<(int Bar, ulong Start, ulong End)> Trapped => _trapped;

    /// <summary>
    /// Keeps the pages holding [<paramref name="offset"/>, +<paramref name="length"/>) of BAR
    /// <paramref name="barIndex"/> out of every mapping (PCIe Base 6.0 §7.7.2.2 lets the table share a page
    /// with other registers; the whole page is trapped and the rest is passed through by the emulation).
    /// </summary>
    public void Trap(int barIndex, ulong offset, ulong length)
    {
        if (length == 0) return;
        ulong start = offset & ~(PageSize - 1);
        ulong end = (offset + length + PageSize - 1) & ~(PageSize - 1);
        _trapped.Add((barIndex, start, end));
    }

    /// <summary>The host address of a memory BAR, or null when it has none.</summary>
    public ulong? HostAddressOf(int barIndex)
    {
        int i = Find(barIndex);
        return i < 0 || !_bars[i].IsMappable ? null : _bars[i].HostAddress;
    }

    /// <summary>
    /// Which trapped BAR page a guest physical address falls in, while decode is on: the BAR and the
    /// offset into it. False when the address is not in a trapped page of this function.
    /// </summary>
    public bool TryTrapped(ulong guestAddress, out int barIndex, out ulong offset)
    {
        if (IsMapped)
        {
            foreach (var (bar, start, end) in _trapped)
            {
                int i = Find(bar);
                if (i < 0 || !_bars[i].IsMappable) continue;
                ulong barAt = GuestAddressAt(i);
                ulong at = guestAddress - barAt;
                if (guestAddress >= barAt && at >= start && at < end && at < _bars[i].Size)
                {
                    barIndex = bar;
                    offset = at;
                    return true;
                }
            }
        }
        barIndex = -1;
        offset = 0;
        return false;
    }

    public ulong GuestAddressOf(int barIndex)
    {
        int i = Find(barIndex);
        return i < 0 ? 0 : GuestAddressAt(i);
    }

    /// <summary>The guest address of slot <paramref name="i"/>: from the shadow BAR register(s), or the ROM's bookkeeping.</summary>
    private ulong GuestAddressAt(int i)
    {
        var kind = _bars[i].Kind;
        if (_shadow is null || kind is BarKind.Rom or BarKind.Empty or BarKind.Io) return _guestAddress[i];
        int low = kind == BarKind.Memory64High ? i - 1 : i;
        ulong address = _shadow.Read(_registerAt[low], 4) & 0xFFFF_FFF0u;
        if (_bars[low].Kind == BarKind.Memory64Low) address |= (ulong)_shadow.Read(_registerAt[low + 1], 4) << 32;
        return address;
    }

    /// <summary>The read-only bits of a memory BAR register: all while mapped, else type bits and the bits below the size.</summary>
    private uint ReadOnlyMaskOf(int slot)
    {
        if (IsMapped) return 0xFFFF_FFFF;
        ulong below = _bars[slot].Size - 1;
        return _bars[slot].Kind == BarKind.Memory64High ? (uint)(below >> 32) : (uint)below | 0xF;
    }

    /// <summary>Makes the memory BAR registers read-only while mapped (Xen ignores BAR writes then) and writable again after.</summary>
    private void UpdateBarMasks()
    {
        if (_table is null) return;
        for (int i = 0; i < _bars.Length; i++)
            if (_registerAt[i] >= 0 && _bars[i].Kind is BarKind.Memory32 or BarKind.Memory64Low or BarKind.Memory64High)
                _table.SetReadOnly(_registerAt[i], ReadOnlyMaskOf(i));
    }

    /// <summary>Registers BAR0-5 at 0x10 and the ROM BAR at 0x30 (Type 0 header, §7.5.1.2).</summary>
    public void Register(VirtualRegisterTable table)
    {
        var shadow = table.Shadow ?? throw new ArgumentException("the BARs are shadow registers: the table needs a shadow", nameof(table));
        _shadow = shadow;
        _table = table;
        for (int index = 0; index < 6; index++)
        {
            int slot = Find(index);
            int at = ConfigHeader.Bar0 + 4 * index;
            if (slot < 0 || _bars[slot].Kind is BarKind.Empty or BarKind.Io)
            {
                // No memory decoded here: the register reads 0 and ignores writes (Xen: IO and empty BARs on non-x86).
                shadow.Store(at, 4, 0);
                table.Add(new VirtualRegister(at, 4, BarNames[index], table.ShadowRead, Write: null, ShadowBacked: true));
                continue;
            }
            _registerAt[slot] = at;
            shadow.Store(at, 4, TypeBits(slot));
            table.Add(new VirtualRegister(at, 4, BarNames[index], table.ShadowRead, table.ShadowWriter(0),
                ReadOnly: ReadOnlyMaskOf(slot), ShadowBacked: true));
        }
        int rom = Find(PhysicalBar.RomIndex);
        if (rom < 0 || _bars[rom].Size == 0)
            table.Add(new VirtualRegister(ConfigHeader.ExpansionRomBar, 4, "Expansion ROM BAR", static (_, _) => 0u, static (_, _, _) => { }));
        else
        {
            _registerAt[rom] = ConfigHeader.ExpansionRomBar;
            Publish(rom);
            table.Add(new VirtualRegister(ConfigHeader.ExpansionRomBar, 4, "Expansion ROM BAR", (_, _) => ReadRom(rom), (_, _, v) => WriteRom(rom, v),
                RsvdP: 0x0000_07FE, ReadsShadow: _shadow is not null));
        }
    }

    /// <summary>Stores the ROM register's guest-visible value in the shadow (reads are served from there).</summary>
    private void Publish(int slot)
    {
        if (_shadow is null || _registerAt[slot] < 0) return;
        _shadow.Store(_registerAt[slot], 4, ReadRom(slot));
    }

    /// <summary>A memory BAR's read-only type bits (§7.5.1.2.1): prefetchable, 64-bit; the high half has none.</summary>
    private uint TypeBits(int slot) => _bars[slot].Kind switch
    {
        BarKind.Memory32 => _bars[slot].Prefetchable ? 0x8u : 0u,
        BarKind.Memory64Low => (_bars[slot].Prefetchable ? 0x8u : 0u) | 0x4u,
        _ => 0u,
    };

    /// <summary>
    /// Maps or unmaps every mappable BAR when Memory Space Enable changes (Xen's <c>modify_bars</c>).
    /// Mapping is refused, and decode stays off, when a guest address has a different page offset
    /// from the host address: the guest would then reach the wrong bytes of the page.
    /// Returns whether decode is now on.
    /// </summary>
    public bool SetDecode(bool memoryEnabled)
    {
        MapRefusal = null;
        if (!memoryEnabled)
        {
            _mappings.Clear();
            IsMapped = false;
            UpdateBarMasks();
            return false;
        }
        if (IsMapped) return true;
        var pending = new List<BarMapping>();
        for (int i = 0; i < _bars.Length; i++)
        {
            var bar = _bars[i];
            if (!bar.IsMappable || (bar.Kind == BarKind.Rom && !_romEnabled)) continue;
            ulong guest = GuestAddressAt(i);
            if (((guest ^ bar.HostAddress) & (PageSize - 1)) != 0)
            {
                MapRefusal = $"BAR{(bar.Kind == BarKind.Rom ? "ROM" : bar.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))} guest address 0x{guest:X} and host address 0x{bar.HostAddress:X} differ in page offset";
                return false;
            }
            AddMapped(pending, bar, guest);
        }
        _mappings.AddRange(pending);
        IsMapped = true;
        UpdateBarMasks();
        return true;
    }

    /// <summary>The BAR's mapping minus its trapped pages, as one or more contiguous pieces.</summary>
    private void AddMapped(List<BarMapping> pending, in PhysicalBar bar, ulong guest)
    {
        ulong from = 0;
        var cuts = new List<(ulong Start, ulong End)>();
        foreach (var t in _trapped)
            if (t.Bar == bar.Index && bar.Kind != BarKind.Rom) cuts.Add((t.Start, Math.Min(t.End, bar.Size)));
        cuts.Sort();
        foreach (var (start, end) in cuts)
        {
            if (start > from) pending.Add(new BarMapping(bar.Index, guest + from, bar.HostAddress + from, start - from));
            from = Math.Max(from, end);
        }
        if (from < bar.Size) pending.Add(new BarMapping(bar.Index, guest + from, bar.HostAddress + from, bar.Size - from));
    }

    private int Find(int index)
    {
        for (int i = 0; i < _bars.Length; i++)
            if (_bars[i].Index == index) return i;
        return -1;
    }

    private uint ReadRom(int slot) => (uint)_guestAddress[slot] | (_romEnabled ? 1u : 0u);

    private void WriteRom(int slot, uint value)
    {
        bool enable = (value & 1) != 0;
        if (!IsMapped)
            _guestAddress[slot] = value & BarSizer.RomAddressMask & ~(_bars[slot].Size - 1) & 0xFFFF_FFFFUL;
        bool changed = enable != _romEnabled;
        _romEnabled = enable;
        Publish(slot);
        if (!changed) return;
        if (IsMapped)
        {
            // ROM Enable toggled with decode on: remap so the ROM appears or disappears (Xen's rom_write).
            IsMapped = false;
            _mappings.Clear();
            SetDecode(true);
        }
    }
}
