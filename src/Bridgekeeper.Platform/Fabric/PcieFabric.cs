using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// The machine's PCIe fabric as the CPU reaches it through ECAM (PCIe Base 6.0 §7.2.2): host bridges,
/// buses and functions, and config request routing through the bridges' bus number registers
/// (§7.5.1.3.3-4). A request nobody claims completes as Unsupported Request and reads all ones; a
/// function that is not yet Configuration-Ready completes with Request Retry Status (§2.3.2), which
/// the root complex returns as Vendor ID 0x0001 when RRS Software Visibility is on (Root Control
/// bit 4) and as all ones otherwise. Writes obey the attribute masks and then run the one side
/// effect registered for that dword (<see cref="WriteEffect"/>).
/// </summary>
public sealed class PcieFabric : IConfigAccess
{
    private readonly List<SimHostBridge> _hostBridges = [];
    private readonly IClock _clock;

    public PcieFabric(IClock clock) => _clock = clock;

    public IReadOnlyList<SimHostBridge> HostBridges => _hostBridges;

    /// <summary>Receives every side-effecting write (set by the machine).</summary>
    internal IWriteEffects? Effects { get; set; }

    /// <summary>Config reads and writes served (for the benchmark and tests).</summary>
    public long Accesses { get; private set; }

    public void AddHostBridge(SimHostBridge hostBridge)
    {
        foreach (var h in _hostBridges)
            if (h.Segment == hostBridge.Segment) throw new InvalidOperationException($"segment {h.Segment} already has host bridge {h.Name}");
        _hostBridges.Add(hostBridge);
    }

    public SimHostBridge? HostBridgeOf(uint segment)
    {
        foreach (var h in _hostBridges)
            if (h.Segment == segment) return h;
        return null;
    }

    /// <summary>Every function on the fabric, host bridge by host bridge, depth first.</summary>
    public IEnumerable<SimFunction> AllFunctions()
    {
        foreach (var h in _hostBridges)
            foreach (var f in h.RootBus.Functions)
            {
                yield return f;
                foreach (var d in f.Descendants()) yield return d;
            }
    }

    /// <summary>The function a config request to <paramref name="address"/> reaches now, or null (UR).</summary>
    public SimFunction? Route(Sbdf address)
    {
        var host = HostBridgeOf(address.Segment);
        if (host is null || address.Bus < host.StartBus || address.Bus > host.EndBus) return null;
        var bus = host.RootBus;
        while (true)
        {
            if (bus.Number == address.Bus) return bus.At(address.DevFn);
            SimBus? next = null;
            foreach (var f in bus.Functions)
            {
                if (f.SecondaryBus is null || f.Removed || f.InReset) continue;
                var c = f.Config.Bytes;
                byte secondary = c[ConfigHeader.SecondaryBus], subordinate = c[ConfigHeader.SubordinateBus];
                if (secondary == 0 || address.Bus < secondary || address.Bus > subordinate) continue;
                // A downstream port's link must be up for the request to cross it (§2.9.1: link down -> UR).
                if (f.IsDownstreamPort && !f.LinkUp) return null;
                // §7.3.1: a downstream port forwards Type 0 requests for Device 0 only unless ARI Forwarding is on.
                if (address.Bus == secondary && f.IsDownstreamPort && address.Device != 0 && !AriForwarding(f)) return null;
                next = f.SecondaryBus;
                break;
            }
            if (next is null) return null;
            bus = next;
        }
    }

    public uint Read(Sbdf function, int offset, int size) => ReadRouted(Route(function), offset, size);

    /// <summary>A read whose target <see cref="Route"/> already found (an observer that looks at the function first routes once).</summary>
    public uint ReadRouted(SimFunction? f, int offset, int size)
    {
        Accesses++;
        if (f is null || f.Removed || f.InReset) return AllOnes(size);
        if (_clock.Now < f.ReadyAt)
            return RetryStatus(f, offset, size);
        // A conventional function has no extended space: ECAM reads past 0xFF complete as all ones (§7.2.2.1).
        if (offset >= f.Config.Size && offset < ConfigSpace.ExtendedSize) return AllOnes(size);
        return f.Config.Read(offset, size);
    }

    /// <summary>A block read routed once: the same bytes as its 4-byte reads, counted as that many requests served.</summary>
    public void ReadBlock(Sbdf function, int offset, Span<byte> destination) => ReadBlockRouted(Route(function), offset, destination);

    /// <summary>
    /// <see cref="ReadBlock"/> to a target <see cref="Route"/> already found. Reads have no side effects and
    /// nothing else runs between the dwords, so the target's state is the same for each of them: one
    /// check decides the whole block (<see cref="ReadRouted"/> is the per-dword rule it must equal).
    /// </summary>
    public void ReadBlockRouted(SimFunction? f, int offset, Span<byte> destination)
    {
        IConfigAccess.CheckBlock(offset, destination.Length);
        Accesses += destination.Length >> 2;
        if (destination.Length == 0) return;
        if (f is null || f.Removed || f.InReset)
        {
            destination.Fill(0xFF);
            return;
        }
        if (_clock.Now < f.ReadyAt)
        {
            destination.Fill(0xFF);
            // Only the dword at the Vendor ID can carry the RRS completion value (§2.3.2).
            if (offset == 0) BinaryPrimitives.WriteUInt32LittleEndian(destination, RetryStatus(f, 0, 4));
            return;
        }
        // A conventional function's bytes past 0xFF read all ones (§7.2.2.1), as in ReadRouted.
        int present = Math.Clamp(f.Config.Size - offset, 0, destination.Length);
        if (present > 0) f.Config.Bytes.Slice(offset, present).CopyTo(destination);
        destination[present..].Fill(0xFF);
    }

    public void Write(Sbdf function, int offset, int size, uint value) => WriteRouted(Route(function), offset, size, value);

    /// <summary>A write whose target <see cref="Route"/> already found.</summary>
    public void WriteRouted(SimFunction? f, int offset, int size, uint value)
    {
        Accesses++;
        if (f is null || f.Removed || f.InReset || _clock.Now < f.ReadyAt) return;
        if (offset >= f.Config.Size && offset < ConfigSpace.ExtendedSize) return;
        WriteTo(f, offset, size, value);
    }

    /// <summary>A write that reached <paramref name="f"/>: masks, then the registered side effect.</summary>
    public void WriteTo(SimFunction f, int offset, int size, uint value)
    {
        var effect = f.EffectAt(offset);
        if (effect == WriteEffect.None)
        {
            f.Config.Write(offset, size, value);
            return;
        }
        int dword = offset & ~3;
        uint before = f.Config.ReadUInt32(dword);
        f.Config.Write(offset, size, value);
        Effects?.Apply(effect, f, dword, before, f.Config.ReadUInt32(dword));
    }

    /// <summary>Config read by ECAM physical address (§7.2.2: bus in 27:20, device 19:15, function 14:12, register 11:0).</summary>
    public uint ReadEcam(ulong address, int size)
    {
        return TryDecode(address, out var sbdf, out int offset) ? Read(sbdf, offset, size) : AllOnes(size);
    }

    public void WriteEcam(ulong address, int size, uint value)
    {
        if (TryDecode(address, out var sbdf, out int offset)) Write(sbdf, offset, size, value);
    }

    public bool TryDecode(ulong address, out Sbdf sbdf, out int offset)
    {
        foreach (var h in _hostBridges)
        {
            if (address < h.EcamBase || address >= h.EcamBase + h.EcamSize) continue;
            ulong within = address - h.EcamBase;
            sbdf = new Sbdf(h.Segment, (byte)(h.StartBus + (int)(within >> 20)), (byte)((within >> 12) & 0xFF));
            offset = (int)(within & 0xFFF);
            return true;
        }
        sbdf = default;
        offset = 0;
        return false;
    }

    /// <summary>The root port (or RCEC, for an RCiEP) above a function, or null.</summary>
    public static SimFunction? RootPortOf(SimFunction f)
    {
        var p = f.UpstreamBridge;
        while (p is not null && p.PortType != PciePortType.RootPort) p = p.UpstreamBridge;
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AllOnes(int size) => size == 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;

    // §2.3.2: with RRS Software Visibility enabled, a read that includes both Vendor ID bytes returns
    // 0x0001 there (and all ones in the rest); every other read gets all ones, as does the whole read
    // when visibility is off (the root complex re-issues the request until it gives up).
    private static uint RetryStatus(SimFunction f, int offset, int size)
    {
        var rp = RootPortOf(f);
        bool visible = rp is not null && rp.IsPcie
            && (rp.Config.ReadUInt16(rp.PcieCapability + PciExpressCapability.RootControl) & PciExpressCapability.RootCtlRrsSoftwareVisibility) != 0;
        if (visible && offset == 0 && size >= 2) return size == 4 ? 0xFFFF_0001u : 0x0001u;
        return AllOnes(size);
    }

    private static bool AriForwarding(SimFunction port) =>
        port.IsPcie && (port.Config.ReadUInt16(port.PcieCapability + PciExpressCapability.DeviceControl2) & PciExpressCapability.DevCtl2AriForwarding) != 0;
}
