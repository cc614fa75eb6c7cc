using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's view of one function's BARs and Expansion ROM (Xen header.c, <c>guest_mem_bar_*</c>):
/// each BAR holds a guest address, masked with <c>~(size - 1)</c> on write so that writing all ones and
/// reading back gives the size (PCIe Base 6.0 §7.5.1.2.1). The type bits are the physical ones. I/O and
/// empty BARs read 0 (no I/O space on Arm). A BAR's guest address changes only while it is unmapped,
/// and mapping follows Memory Space Enable (and ROM Enable): see <see cref="SetDecode"/>.
/// </summary>
public sealed class GuestBarSet
{
    public const ulong PageSize = 4096;

    private readonly PhysicalBar[] _bars;
    private readonly ulong[] _guestAddress;
    private readonly List<BarMapping> _mappings = [];
    private bool _romEnabled;

    public GuestBarSet(IReadOnlyList<PhysicalBar> bars)
    {
        _bars = [.. bars];
        _guestAddress = new ulong[_bars.Length];
    }

    public IReadOnlyList<PhysicalBar> Physical => _bars;

    public bool IsMapped { get; private set; }

    public IReadOnlyList<BarMapping> Mappings => _mappings;

    /// <summary>Why the last attempt to map failed, or null.</summary>
    public string? MapRefusal { get; private set; }

    public bool RomEnabled => _romEnabled;

    public ulong GuestAddressOf(int barIndex)
    {
        int i = Find(barIndex);
        return i < 0 ? 0 : _guestAddress[i];
    }

    /// <summary>Registers BAR0-5 at 0x10 and the ROM BAR at 0x30 (Type 0 header, §7.5.1.2).</summary>
    public void Register(VirtualRegisterTable table)
    {
        for (int index = 0; index < 6; index++)
        {
            int slot = Find(index);
            int at = ConfigHeader.Bar0 + 4 * index;
            if (slot < 0 || _bars[slot].Kind is BarKind.Empty or BarKind.Io)
            {
                // No memory decoded here: the register reads 0 and ignores writes (Xen: IO and empty BARs on non-x86).
                table.Add(new VirtualRegister(at, 4, $"BAR{index}", static (_, _) => 0u, static (_, _, _) => { }));
                continue;
            }
            int captured = slot;
            table.Add(new VirtualRegister(at, 4, $"BAR{index}", (_, _) => ReadBar(captured), (_, _, v) => WriteBar(captured, v)));
        }
        int rom = Find(PhysicalBar.RomIndex);
        if (rom < 0 || _bars[rom].Size == 0)
            table.Add(new VirtualRegister(ConfigHeader.ExpansionRomBar, 4, "Expansion ROM BAR", static (_, _) => 0u, static (_, _, _) => { }));
        else
            table.Add(new VirtualRegister(ConfigHeader.ExpansionRomBar, 4, "Expansion ROM BAR", (_, _) => ReadRom(rom), (_, _, v) => WriteRom(rom, v),
                RsvdP: 0x0000_07FE));
    }

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
            return false;
        }
        if (IsMapped) return true;
        var pending = new List<BarMapping>();
        for (int i = 0; i < _bars.Length; i++)
        {
            var bar = _bars[i];
            if (!bar.IsMappable || (bar.Kind == BarKind.Rom && !_romEnabled)) continue;
            ulong guest = _guestAddress[i];
            if (((guest ^ bar.HostAddress) & (PageSize - 1)) != 0)
            {
                MapRefusal = $"BAR{(bar.Kind == BarKind.Rom ? "ROM" : bar.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))} guest address 0x{guest:X} and host address 0x{bar.HostAddress:X} differ in page offset";
                return false;
            }
            pending.Add(new BarMapping(bar.Index, guest, bar.HostAddress, bar.Size));
        }
        _mappings.AddRange(pending);
        IsMapped = true;
        return true;
    }

    private int Find(int index)
    {
        for (int i = 0; i < _bars.Length; i++)
            if (_bars[i].Index == index) return i;
        return -1;
    }

    private uint ReadBar(int slot)
    {
        var bar = _bars[slot];
        ulong guest = _guestAddress[slot];
        uint type = bar.Prefetchable ? 0x8u : 0u;
        return bar.Kind switch
        {
            BarKind.Memory32 => (uint)guest | type,
            BarKind.Memory64Low => (uint)guest | type | 0x4u,
            BarKind.Memory64High => (uint)(guest >> 32),
            _ => 0u,
        };
    }

    private void WriteBar(int slot, uint value)
    {
        // Xen ignores BAR writes while the BAR is mapped: its address may change only with decode off.
        if (IsMapped) return;
        var bar = _bars[slot];
        ulong mask = ~(bar.Size - 1);
        switch (bar.Kind)
        {
            case BarKind.Memory32:
                _guestAddress[slot] = (value & 0xFFFF_FFF0u) & mask & 0xFFFF_FFFFu;
                break;
            case BarKind.Memory64Low:
                {
                    ulong next = ((_guestAddress[slot] & 0xFFFF_FFFF_0000_0000UL) | (value & 0xFFFF_FFF0u)) & mask;
                    _guestAddress[slot] = next;
                    _guestAddress[slot + 1] = next;
                    break;
                }
            case BarKind.Memory64High:
                {
                    ulong next = (((ulong)value << 32) | (_guestAddress[slot] & 0xFFFF_FFFFUL)) & mask;
                    _guestAddress[slot] = next;
                    _guestAddress[slot - 1] = next;
                    break;
                }
        }
    }

    private uint ReadRom(int slot) => (uint)_guestAddress[slot] | (_romEnabled ? 1u : 0u);

    private void WriteRom(int slot, uint value)
    {
        bool enable = (value & 1) != 0;
        if (!IsMapped)
            _guestAddress[slot] = value & BarSizer.RomAddressMask & ~(_bars[slot].Size - 1) & 0xFFFF_FFFFUL;
        if (enable == _romEnabled) return;
        _romEnabled = enable;
        if (IsMapped)
        {
            // ROM Enable toggled with decode on: remap so the ROM appears or disappears (Xen's rom_write).
            IsMapped = false;
            _mappings.Clear();
            SetDecode(true);
        }
    }
}
