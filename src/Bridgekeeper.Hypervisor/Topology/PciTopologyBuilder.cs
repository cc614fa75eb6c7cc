using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// Turns a set of functions (address, config, PF link) into a <see cref="PciTopology"/>: finds each
/// function's upstream bridge from the bridges' Secondary Bus Numbers (PCIe Base 6.0 §7.5.1.3.2),
/// puts VFs under their PF, works out Linux's multifunction flag, ARI and phantom functions, and lays
/// the nodes out in Linux's scan order. What does not fit is reported in <see cref="PciTopology.Warnings"/>.
/// </summary>
internal static class PciTopologyBuilder
{
    private sealed class Pending(FunctionConfig input, FunctionFacts facts)
    {
        public FunctionConfig Input { get; } = input;
        public FunctionFacts Facts { get; set; } = facts;
        public Sbdf Address => Input.Address;
        public bool IsVf => Input.PhysicalFunction is not null;
        public Pending? Upstream { get; set; }
        public HostBridge? Host { get; set; }
        public int Order { get; set; } = -1;
    }

    public static PciTopology Build(IEnumerable<FunctionConfig> functions, IEnumerable<HostBridge>? hostBridges)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        var byAddress = new Dictionary<Sbdf, Pending>();
        foreach (var f in functions)
        {
            if (byAddress.ContainsKey(f.Address)) { warnings.Add($"{f.Address} is listed twice; the first is kept"); continue; }
            byAddress[f.Address] = new Pending(f, FunctionFacts.Read(f.Config.Bytes));
        }
        InferVirtualFunctions(byAddress);
        var all = byAddress.Values.OrderBy(p => p.Address).ToList();

        // Which bridge leads to each bus (its Secondary Bus Number).
        var bridgeForBus = new Dictionary<long, Pending>();
        foreach (var p in all)
        {
            if (p.IsVf || !p.Facts.IsBridge) continue;
            if (p.Facts.SecondaryBus == 0 || p.Facts.SecondaryBus <= p.Address.Bus)
            {
                warnings.Add($"bridge {p.Address} has secondary bus {p.Facts.SecondaryBus:x2}, not above its own bus {p.Address.Bus:x2}: not configured, nothing below it is used");
                continue;
            }
            long key = PciTopology.BusKey(p.Address.Segment, p.Facts.SecondaryBus);
            if (bridgeForBus.TryGetValue(key, out var other))
                warnings.Add($"bridges {other.Address} and {p.Address} both claim bus {p.Facts.SecondaryBus:x2}; {other.Address} is kept");
            else
                bridgeForBus[key] = p;
        }

        var hosts = hostBridges?.OrderBy(h => h.Segment).ThenBy(h => h.StartBus).ToList() ?? InferHostBridges(all, bridgeForBus);

        foreach (var p in all)
        {
            if (p.IsVf) continue;
            p.Host = hosts.FirstOrDefault(h => h.Decodes(p.Address));
            if (p.Host is null) warnings.Add($"{p.Address} lies outside every host bridge's bus range");
            if (bridgeForBus.TryGetValue(PciTopology.BusKey(p.Address.Segment, p.Address.Bus), out var up)) p.Upstream = up;
            else if (p.Input.UpstreamHint is { } hint && byAddress.TryGetValue(hint, out var hinted) && !hinted.IsVf
                && (hinted.Facts.IsBridge || hinted.Facts.VendorId == 0xFFFF))
            {
                p.Upstream = hinted;
                warnings.Add($"{p.Address} is on bus {p.Address.Bus:x2}, which no bridge's config leads to now; placed under {hint} as the OS has it");
            }
            else if (p.Host is not null && p.Host.StartBus != p.Address.Bus)
                warnings.Add($"{p.Address} is on bus {p.Address.Bus:x2}, which no bridge leads to and which is not a root bus");
            if (!p.IsVf && ConfigBytes.VendorId(p.Input.Config.Bytes) == 0xFFFF)
                warnings.Add($"{p.Address} reads all ones (not responding); its config facts are not trustworthy");
        }
        foreach (var p in all)
        {
            if (!p.IsVf) continue;
            if (!byAddress.TryGetValue(p.Input.PhysicalFunction!.Value, out var pf) || pf.IsVf)
            {
                warnings.Add($"VF {p.Address} names PF {p.Input.PhysicalFunction} which is not a physical function here");
                continue;
            }
            p.Upstream = pf.Upstream;
            p.Host = pf.Host;
            // A VF's Vendor and Device ID read as all ones (§9.3.4.1.1, §9.3.4.1.2); they are the PF's
            // Vendor ID and the PF's VF Device ID, which is what quirk tables match.
            p.Facts = p.Facts with { VendorId = pf.Facts.VendorId, DeviceId = pf.Facts.VfDeviceId };
        }

        // Buses reached only through an OS hint, by the bridge they were hinted under.
        var hintedBuses = all.Where(p => !p.IsVf && p.Upstream is { } u && !bridgeForBus.ContainsKey(PciTopology.BusKey(p.Address.Segment, p.Address.Bus)))
            .GroupBy(p => p.Upstream!).ToDictionary(g => g.Key, g => g.Select(p => p.Address.Bus).Distinct().Order().ToList());

        // Linux's order: pci_scan_child_bus adds each bus's functions by DevFn, then scans behind each bridge.
        var ordered = new List<Pending>(all.Count);
        var visitedBuses = new HashSet<long>();
        var onBus = all.Where(p => !p.IsVf).ToLookup(p => PciTopology.BusKey(p.Address.Segment, p.Address.Bus));
        var roots = hosts.Select(h => (h.Segment, h.StartBus)).Concat(all.Where(p => !p.IsVf && p.Upstream is null).Select(p => (p.Address.Segment, StartBus: p.Address.Bus))).Distinct();
        foreach (var (segment, bus) in roots) ScanBus(segment, bus);
        foreach (var p in all)
        {
            if (!p.IsVf && p.Order < 0) { warnings.Add($"{p.Address} is not reachable from any root bus"); p.Order = ordered.Count; ordered.Add(p); }
        }
        foreach (var vf in all.Where(p => p.IsVf).OrderBy(p => byAddress.TryGetValue(p.Input.PhysicalFunction!.Value, out var pf) ? pf.Order : int.MaxValue).ThenBy(p => p.Address))
        {
            vf.Order = ordered.Count;
            ordered.Add(vf);
        }

        void ScanBus(uint segment, byte bus)
        {
            if (!visitedBuses.Add(PciTopology.BusKey(segment, bus))) return;
            var here = onBus[PciTopology.BusKey(segment, bus)].Where(p => p.Order < 0).ToList();
            foreach (var p in here) { p.Order = ordered.Count; ordered.Add(p); }
            foreach (var p in here)
            {
                if (p.Facts.IsBridge && bridgeForBus.TryGetValue(PciTopology.BusKey(segment, p.Facts.SecondaryBus), out var b) && b == p)
                    ScanBus(segment, p.Facts.SecondaryBus);
                else if (hintedBuses.TryGetValue(p, out var buses))
                    foreach (byte child in buses) ScanBus(segment, child);
            }
        }

        var fallbackHost = new Dictionary<(uint, byte), HostBridge>();
        var nodes = new TopologyNode[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            var upstreamFacts = p.Upstream?.Facts;
            bool ari = !p.IsVf && p.Facts.HasAri && upstreamFacts is { AriForwardingEnabled: true };
            int fn = ari ? p.Address.DevFn : p.Address.Function;
            var host = p.Host ?? FallbackHost(p.Address);
            nodes[i] = new TopologyNode
            {
                Index = i,
                Address = p.Address,
                Kind = p.Facts.Kind(p.IsVf),
                Facts = p.Facts,
                Config = p.Input.Config,
                HostBridge = host,
                UpstreamBridge = p.Upstream?.Address,
                UpstreamIndex = p.Upstream?.Order ?? -1,
                PhysicalFunction = p.IsVf && byAddress.ContainsKey(p.Input.PhysicalFunction!.Value) ? p.Input.PhysicalFunction : null,
                IsAriFunction = ari,
                // Linux pci_scan_slot sets multifunction for every function found after function 0.
                IsMultiFunction = !p.IsVf && (p.Facts.MultiFunctionBit || fn != 0),
                PhantomRequesterIds = PhantomIds(p.Address, p.Facts.PhantomFunctionBits, ari),
            };
        }
        var children = new Dictionary<int, List<Sbdf>>();
        var vfs = new Dictionary<Sbdf, List<Sbdf>>();
        foreach (var n in nodes)
        {
            if (n.PhysicalFunction is { } pf)
            {
                if (!vfs.TryGetValue(pf, out var l)) vfs[pf] = l = [];
                l.Add(n.Address);
            }
            else if (n.UpstreamIndex >= 0)
            {
                if (!children.TryGetValue(n.UpstreamIndex, out var l)) children[n.UpstreamIndex] = l = [];
                l.Add(n.Address);
            }
        }
        foreach (var (i, l) in children) nodes[i].Children = [.. l];
        foreach (var n in nodes)
            if (vfs.TryGetValue(n.Address, out var l)) n.VirtualFunctions = [.. l];
        var hostList = hosts.Concat(fallbackHost.Values).Distinct().ToImmutableArray();
        return new PciTopology(hostList, [.. nodes], warnings.ToImmutable());

        HostBridge FallbackHost(Sbdf a)
        {
            if (!fallbackHost.TryGetValue((a.Segment, a.Bus), out var h)) fallbackHost[(a.Segment, a.Bus)] = h = new HostBridge(a.Segment, a.Bus, a.Bus, 0);
            return h;
        }
    }

    /// <summary>
    /// A function given without a PF link (an lspci dump has none) whose Vendor ID reads all ones and whose
    /// RID is one an enabled PF's SR-IOV capability assigns (§9.3.3.9-10) is that PF's VF.
    /// </summary>
    private static void InferVirtualFunctions(Dictionary<Sbdf, Pending> byAddress)
    {
        var candidates = byAddress.Values.Where(p => !p.IsVf && p.Facts.VendorId == 0xFFFF).ToList();
        if (candidates.Count == 0) return;
        var pfOf = new Dictionary<Sbdf, Sbdf>();
        foreach (var pf in byAddress.Values)
        {
            if (pf.IsVf || pf.Facts.SriovOffset == 0 || !pf.Facts.VfEnabled) continue;
            foreach (var vf in EcamEnumerator.VirtualFunctionsOf(pf.Address, pf.Facts)) pfOf.TryAdd(vf, pf.Address);
        }
        foreach (var c in candidates)
            if (pfOf.TryGetValue(c.Address, out var pf))
                byAddress[c.Address] = new Pending(c.Input with { PhysicalFunction = pf }, c.Facts);
    }

    /// <summary>One host bridge per root bus: a bus with functions that no bridge leads to.</summary>
    private static List<HostBridge> InferHostBridges(List<Pending> all, Dictionary<long, Pending> bridgeForBus)
    {
        var roots = all.Where(p => !p.IsVf && p.Input.UpstreamHint is null && !bridgeForBus.ContainsKey(PciTopology.BusKey(p.Address.Segment, p.Address.Bus)))
            .Select(p => (p.Address.Segment, p.Address.Bus)).Distinct().OrderBy(r => r.Segment).ThenBy(r => r.Bus).ToList();
        var hosts = new List<HostBridge>();
        for (int i = 0; i < roots.Count; i++)
        {
            var (segment, bus) = roots[i];
            bool nextSameSegment = i + 1 < roots.Count && roots[i + 1].Segment == segment;
            byte end = nextSameSegment ? (byte)(roots[i + 1].Bus - 1) : (byte)0xFF;
            hosts.Add(new HostBridge(segment, bus, end, 0));
        }
        return hosts;
    }

    /// <summary>
    /// Phantom Functions (PCIe Base 6.0 §2.2.6.2, §7.5.3.3): with N supported and enabled, the N most
    /// significant bits of the function number extend the Tag, so a function whose number has those bits
    /// clear also issues requests as each function number with them set.
    /// </summary>
    internal static ImmutableArray<RequesterId> PhantomIds(Sbdf address, int bits, bool ari)
    {
        if (bits == 0) return [];
        int width = ari ? 8 : 3;
        int shift = width - bits;
        int fn = ari ? address.DevFn : address.Function;
        if (fn >> shift != 0) return [];
        var ids = ImmutableArray.CreateBuilder<RequesterId>();
        for (int high = 1; high < 1 << bits; high++)
        {
            int phantom = fn | high << shift;
            int devfn = ari ? phantom : address.Device << 3 | phantom;
            ids.Add(new RequesterId((ushort)(address.Bus << 8 | devfn)));
        }
        return ids.ToImmutable();
    }
}
