using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// What platform firmware does to the fabric at boot, through ordinary config writes: numbers the
/// buses depth first (Primary/Secondary/Subordinate, PCIe Base 6.0 §7.5.1.3.2-4; an empty hot-plug
/// slot keeps <see cref="HotPlugBusReserve"/> spare buses), sizes every BAR by writing all ones and
/// reading back (§7.5.1.2.1) and places it inside the host bridge's windows (prefetchable 64-bit
/// BARs in the 64-bit window, the rest in the 32-bit one; I/O BARs in the I/O window), programs each
/// bridge's memory and I/O windows to cover what lies below it (§7.5.1.3.6-11; I/O windows have
/// 4 KiB granularity, PCI-to-PCI Bridge 1.2 §3.2.5.6), and enables Memory Space, I/O Space where
/// I/O was assigned, and Bus Master on bridges. An I/O BAR that does not fit (a host bridge without
/// an I/O window) stays unassigned with I/O Space off, as real firmware leaves it.
/// Because these are software writes to RW registers, a later conventional reset clears them again,
/// as on real hardware.
/// </summary>
public sealed class BootEnumerator(PcieFabric fabric)
{
    private const ulong BridgeWindowAlignment = 1 << 20;
    private const ulong IoWindowAlignment = 1 << 12;

    public int HotPlugBusReserve { get; init; } = 2;

    /// <summary>Where each BAR went (for the report and tests).</summary>
    public List<(SimFunction Function, int Offset, ulong Address, ulong Size)> Placements { get; } = [];

    /// <summary>Where each I/O BAR went (PCI I/O addresses).</summary>
    public List<(SimFunction Function, int Offset, ulong Address, ulong Size)> IoPlacements { get; } = [];

    /// <summary>I/O BARs left unassigned because the host bridge's I/O window had no room.</summary>
    public List<(SimFunction Function, int Offset, ulong Size)> Unassigned { get; } = [];

    public void Run()
    {
        foreach (var host in fabric.HostBridges)
        {
            int next = host.StartBus + 1;
            foreach (var f in host.RootBus.Functions)
                if (f.SecondaryBus is not null) next = Number(f, host.StartBus, next, host.EndBus) + 1;
            var cur = new Cursor(host.Mmio32Base, host.Mmio64Base, host.IoBase, host.IoBase + host.IoSize);
            Place(host.RootBus, ref cur);
            ulong cur32 = cur.Mmio32, cur64 = cur.Mmio64;
            if (cur32 > host.Mmio32Base + host.Mmio32Size || cur64 > host.Mmio64Base + host.Mmio64Size)
                throw new InvalidOperationException($"{host.Name}: BARs do not fit the host bridge windows");
        }
    }

    private int Number(SimFunction bridge, int primary, int secondary, int end)
    {
        if (secondary > end) throw new InvalidOperationException($"{bridge.Name}: out of bus numbers");
        var c = bridge.Config;
        // Subordinate 0xFF while the buses below are numbered, then the real value (as firmware does).
        c.Write(ConfigHeader.PrimaryBus, 4, (uint)primary | (uint)secondary << 8 | 0xFFu << 16 | (c.ReadUInt32(ConfigHeader.PrimaryBus) & 0xFF00_0000));
        int last = secondary;
        foreach (var f in bridge.SecondaryBus!.Functions)
            if (f.SecondaryBus is not null && !f.Removed) last = Number(f, secondary, last + 1, end);
        bool emptySlot = bridge.IsDownstreamPort && bridge.SecondaryBus.Functions.Count == 0;
        if (emptySlot) last = Math.Min(end, last + HotPlugBusReserve - 1);
        c.Write(ConfigHeader.SubordinateBus, 1, (uint)last);
        return last;
    }

    // The next free address in each window of one host bridge.
    private struct Cursor(ulong mmio32, ulong mmio64, ulong io, ulong ioEnd)
    {
        public ulong Mmio32 = mmio32, Mmio64 = mmio64, Io = io;
        public readonly ulong IoEnd = ioEnd;
    }

    private void Place(SimBus bus, ref Cursor cur)
    {
        foreach (var f in bus.Functions)
        {
            if (f.Removed) continue;
            var (memory, io) = PlaceBars(f, ref cur);
            if (f.SecondaryBus is null)
            {
                ushort enable = (ushort)((memory ? ConfigHeader.CommandMemorySpace : 0) | (io ? ConfigHeader.CommandIoSpace : 0));
                if (enable != 0) f.Config.Write(ConfigHeader.Command, 2, (uint)(f.Config.ReadUInt16(ConfigHeader.Command) | enable));
                continue;
            }
            ulong ioBefore = cur.Io;
            ulong start32 = Align(cur.Mmio32, BridgeWindowAlignment), start64 = Align(cur.Mmio64, BridgeWindowAlignment), startIo = Align(cur.Io, IoWindowAlignment);
            cur.Mmio32 = start32;
            cur.Mmio64 = start64;
            cur.Io = startIo;
            Place(f.SecondaryBus, ref cur);
            if (f.IsDownstreamPort && f.SecondaryBus.Functions.Count == 0)
            {
                cur.Mmio32 += 2 * BridgeWindowAlignment; // room for a hot-added device (no I/O: 64 KiB is scarce)
                cur.Mmio64 += 8 * BridgeWindowAlignment;
            }
            ulong end32 = Align(cur.Mmio32, BridgeWindowAlignment), end64 = Align(cur.Mmio64, BridgeWindowAlignment), endIo = Align(cur.Io, IoWindowAlignment);
            var c = f.Config;
            if (end32 > start32)
            {
                c.Write(ConfigHeader.MemoryBase, 2, (uint)(start32 >> 16) & 0xFFF0);
                c.Write(ConfigHeader.MemoryLimit, 2, (uint)((end32 - 1) >> 16) & 0xFFF0);
            }
            else
            {
                c.Write(ConfigHeader.MemoryBase, 2, 0xFFF0); // base above limit: window closed
                c.Write(ConfigHeader.MemoryLimit, 2, 0);
            }
            if (end64 > start64)
            {
                c.Write(ConfigHeader.PrefetchableBase, 2, (uint)(start64 >> 16) & 0xFFF0);
                c.Write(ConfigHeader.PrefetchableLimit, 2, (uint)((end64 - 1) >> 16) & 0xFFF0);
                c.Write(ConfigHeader.PrefetchableBaseUpper, 4, (uint)(start64 >> 32));
                c.Write(ConfigHeader.PrefetchableLimitUpper, 4, (uint)((end64 - 1) >> 32));
            }
            else
            {
                c.Write(ConfigHeader.PrefetchableBase, 2, 0xFFF0);
                c.Write(ConfigHeader.PrefetchableLimit, 2, 0);
            }
            bool ioWindow = endIo > startIo;
            ProgramIoWindow(f, startIo, endIo);
            ushort command = (ushort)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster | (ioWindow ? ConfigHeader.CommandIoSpace : 0));
            c.Write(ConfigHeader.Command, 2, (uint)(c.ReadUInt16(ConfigHeader.Command) | command));
            cur.Mmio32 = end32;
            cur.Mmio64 = end64;
            cur.Io = ioWindow ? endIo : ioBefore; // a bridge without I/O below wastes none on alignment
        }
    }

    // PCI-to-PCI Bridge 1.2 §3.2.5.6 / PCIe Base 6.0 §7.5.1.3.6, §7.5.1.3.11: I/O Base and I/O Limit
    // hold address bits 15:12 in their upper nibble (the limit's low 12 bits are FFFh implicitly);
    // with 32-bit I/O addressing (low nibble 01h) the Upper 16 Bits registers hold bits 31:16. A
    // base above the limit closes the window.
    private static void ProgramIoWindow(SimFunction bridge, ulong start, ulong end)
    {
        var c = bridge.Config;
        bool wide = (c.ReadByte(ConfigHeader.IoBase) & 0x0F) == ConfigSpaceBuilder.IoAddressing32;
        if (end <= start)
        {
            c.Write(ConfigHeader.IoBase, 1, 0xF0);
            c.Write(ConfigHeader.IoLimit, 1, 0x00);
            if (wide) c.Write(ConfigHeader.IoBaseUpper, 4, 0);
            return;
        }
        ulong last = end - 1;
        c.Write(ConfigHeader.IoBase, 1, (uint)(start >> 8) & 0xF0);
        c.Write(ConfigHeader.IoLimit, 1, (uint)(last >> 8) & 0xF0);
        if (wide) c.Write(ConfigHeader.IoBaseUpper, 4, (uint)(start >> 16) & 0xFFFF | (uint)(last >> 16) << 16);
    }

    private (bool Memory, bool Io) PlaceBars(SimFunction f, ref Cursor cur)
    {
        bool memory = false, io = false;
        int count = f.IsBridge ? 2 : 6;
        for (int i = 0; i < count; i++)
        {
            int at = ConfigHeader.Bar0 + 4 * i;
            var kind = Size(f, at, out ulong size, out bool is64, out bool prefetchable);
            if (kind == BarKind.Memory)
            {
                Assign(f, at, size, is64, prefetchable, ref cur);
                memory = true;
            }
            else if (kind == BarKind.Io)
            {
                io |= AssignIo(f, at, size, ref cur);
            }
            if (is64) i++;
        }
        if (f.SriovCapability != 0)
        {
            int totalVfs = f.Config.ReadUInt16(f.SriovCapability + SriovCapability.TotalVfs);
            for (int i = 0; i < 6; i++)
            {
                int at = f.SriovCapability + SriovCapability.VfBar0 + 4 * i;
                if (Size(f, at, out ulong size, out bool is64, out bool prefetchable) == BarKind.Memory)
                    Assign(f, at, size * (ulong)totalVfs, is64, prefetchable, ref cur, align: size);
                if (is64) i++;
            }
        }
        return (memory, io);
    }

    private enum BarKind { None, Memory, Io }

    private static BarKind Size(SimFunction f, int at, out ulong size, out bool is64, out bool prefetchable)
    {
        var c = f.Config;
        uint original = c.ReadUInt32(at);
        size = 0;
        is64 = (original & 0x1) == 0 && (original & 0x6) == 0x4;
        prefetchable = (original & 0x9) == 0x8;
        // A BAR whose bits are all read-only (a cloned dump: sizes are not in config content) keeps its captured value.
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(c.Attributes.Writable.Slice(at, 4)) == 0) return BarKind.None;
        c.Write(at, 4, 0xFFFF_FFFF);
        uint low = c.ReadUInt32(at);
        c.Write(at, 4, original);
        if ((original & 0x1) != 0)
        {
            // §7.5.1.2.1: an I/O BAR's address bits are 31:2. A BAR whose upper 16 bits read back 0
            // decodes 16-bit I/O only (PCI Local Bus 3.0 §6.2.5.1), so its size comes from bits 15:2.
            uint ioMask = low & 0xFFFF_FFFC;
            if ((ioMask & 0xFFFF_0000) == 0) ioMask |= 0xFFFF_0000;
            if ((ioMask & 0xFFFF) == 0) return BarKind.None;
            size = ~ioMask + 1u;
            return BarKind.Io;
        }
        ulong mask = low & 0xFFFF_FFF0u;
        if (is64)
        {
            uint upper = c.ReadUInt32(at + 4);
            c.Write(at + 4, 4, 0xFFFF_FFFF);
            mask |= (ulong)c.ReadUInt32(at + 4) << 32;
            c.Write(at + 4, 4, upper);
        }
        else
        {
            mask |= 0xFFFF_FFFF_0000_0000;
        }
        if ((mask & 0xFFFF_FFFF) == 0) return BarKind.None;
        size = ~mask + 1;
        return BarKind.Memory;
    }

    private void Assign(SimFunction f, int at, ulong size, bool is64, bool prefetchable, ref Cursor cur, ulong align = 0)
    {
        if (align == 0) align = size;
        bool high = is64 && prefetchable;
        ulong address = Align(high ? cur.Mmio64 : cur.Mmio32, align);
        if (high) cur.Mmio64 = address + size; else cur.Mmio32 = address + size;
        var c = f.Config;
        c.Write(at, 4, (uint)address | (c.ReadUInt32(at) & 0xF));
        if (is64) c.Write(at + 4, 4, (uint)(address >> 32));
        Placements.Add((f, at, address, size));
    }

    private bool AssignIo(SimFunction f, int at, ulong size, ref Cursor cur)
    {
        ulong address = Align(cur.Io, size);
        if (address + size > cur.IoEnd)
        {
            Unassigned.Add((f, at, size));
            return false;
        }
        cur.Io = address + size;
        f.Config.Write(at, 4, (uint)address);
        IoPlacements.Add((f, at, address, size));
        return true;
    }

    private static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
