using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// What platform firmware does to the fabric at boot, through ordinary config writes: numbers the
/// buses depth first (Primary/Secondary/Subordinate, PCIe Base 6.0 §7.5.1.3.2-4; an empty hot-plug
/// slot keeps <see cref="HotPlugBusReserve"/> spare buses), sizes every BAR by writing all ones and
/// reading back (§7.5.1.2.1) and places it inside the host bridge's windows (prefetchable 64-bit
/// BARs in the 64-bit window, the rest in the 32-bit one), programs each bridge's memory windows to
/// cover what lies below it (§7.5.1.3.8-10), and enables Memory Space (and Bus Master on bridges).
/// Because these are software writes to RW registers, a later conventional reset clears them again,
/// as on real hardware.
/// </summary>
public sealed class BootEnumerator(PcieFabric fabric)
{
    private const ulong BridgeWindowAlignment = 1 << 20;

    public int HotPlugBusReserve { get; init; } = 2;

    /// <summary>Where each BAR went (for the report and tests).</summary>
    public List<(SimFunction Function, int Offset, ulong Address, ulong Size)> Placements { get; } = [];

    public void Run()
    {
        foreach (var host in fabric.HostBridges)
        {
            int next = host.StartBus + 1;
            foreach (var f in host.RootBus.Functions)
                if (f.SecondaryBus is not null) next = Number(f, host.StartBus, next, host.EndBus) + 1;
            ulong cur32 = host.Mmio32Base, cur64 = host.Mmio64Base;
            Place(host.RootBus, ref cur32, ref cur64);
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

    private void Place(SimBus bus, ref ulong cur32, ref ulong cur64)
    {
        foreach (var f in bus.Functions)
        {
            if (f.Removed) continue;
            bool any = PlaceBars(f, ref cur32, ref cur64);
            if (f.SecondaryBus is null)
            {
                if (any) f.Config.Write(ConfigHeader.Command, 2, (uint)(f.Config.ReadUInt16(ConfigHeader.Command) | ConfigHeader.CommandMemorySpace));
                continue;
            }
            ulong start32 = Align(cur32, BridgeWindowAlignment), start64 = Align(cur64, BridgeWindowAlignment);
            cur32 = start32;
            cur64 = start64;
            Place(f.SecondaryBus, ref cur32, ref cur64);
            if (f.IsDownstreamPort && f.SecondaryBus.Functions.Count == 0)
            {
                cur32 += 2 * BridgeWindowAlignment; // room for a hot-added device
                cur64 += 8 * BridgeWindowAlignment;
            }
            ulong end32 = Align(cur32, BridgeWindowAlignment), end64 = Align(cur64, BridgeWindowAlignment);
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
            c.Write(ConfigHeader.Command, 2, (uint)(c.ReadUInt16(ConfigHeader.Command) | ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster));
            cur32 = end32;
            cur64 = end64;
        }
    }

    private bool PlaceBars(SimFunction f, ref ulong cur32, ref ulong cur64)
    {
        bool any = false;
        int count = f.IsBridge ? 2 : 6;
        for (int i = 0; i < count; i++)
        {
            int at = ConfigHeader.Bar0 + 4 * i;
            if (Size(f, at, out ulong size, out bool is64, out bool prefetchable))
            {
                Assign(f, at, size, is64, prefetchable, ref cur32, ref cur64);
                any = true;
            }
            if (is64) i++;
        }
        if (f.SriovCapability != 0)
        {
            int totalVfs = f.Config.ReadUInt16(f.SriovCapability + SriovCapability.TotalVfs);
            for (int i = 0; i < 6; i++)
            {
                int at = f.SriovCapability + SriovCapability.VfBar0 + 4 * i;
                if (Size(f, at, out ulong size, out bool is64, out bool prefetchable))
                    Assign(f, at, size * (ulong)totalVfs, is64, prefetchable, ref cur32, ref cur64, align: size);
                if (is64) i++;
            }
        }
        return any;
    }

    private static bool Size(SimFunction f, int at, out ulong size, out bool is64, out bool prefetchable)
    {
        var c = f.Config;
        uint original = c.ReadUInt32(at);
        // A BAR whose bits are all read-only (a cloned dump: sizes are not in config content) keeps its captured value.
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(c.Attributes.Writable.Slice(at, 4)) == 0)
        {
            size = 0;
            is64 = (original & 0x7) == 0x4;
            prefetchable = false;
            return false;
        }
        is64 = (original & 0x1) == 0 && (original & 0x6) == 0x4;
        prefetchable = (original & 0x8) != 0;
        c.Write(at, 4, 0xFFFF_FFFF);
        ulong mask = c.ReadUInt32(at) & 0xFFFF_FFF0u;
        c.Write(at, 4, original);
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
        if ((original & 0x1) != 0 || (mask & 0xFFFF_FFFF) == 0) { size = 0; return false; } // I/O BARs are not placed
        size = ~mask + 1;
        return true;
    }

    private void Assign(SimFunction f, int at, ulong size, bool is64, bool prefetchable, ref ulong cur32, ref ulong cur64, ulong align = 0)
    {
        if (align == 0) align = size;
        bool high = is64 && prefetchable;
        ulong address = Align(high ? cur64 : cur32, align);
        if (high) cur64 = address + size; else cur32 = address + size;
        var c = f.Config;
        c.Write(at, 4, (uint)address | (c.ReadUInt32(at) & 0xF));
        if (is64) c.Write(at + 4, 4, (uint)(address >> 32));
        Placements.Add((f, at, address, size));
    }

    private static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
