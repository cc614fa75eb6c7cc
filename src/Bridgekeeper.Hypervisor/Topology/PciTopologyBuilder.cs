using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    public static PciTopology Build(IEnumerable<FunctionConfig> functions, IEnumerable<HostBridge>? hostBridges) =>
        Build(functions as IReadOnlyList<FunctionConfig> ?? [.. functions], null, hostBridges);

    /// <summary>
    /// Builds the snapshot; <paramref name="facts"/>, when given, are the functions' facts already read
    /// from the same config copies (<see cref="EcamEnumerator"/> has them), so they are not read again.
    /// Linear in the functions apart from two sorts by address: a segment has 65,536.
    /// </summary>
    public static PciTopology Build(IReadOnlyList<FunctionConfig> functions, IReadOnlyList<FunctionFacts>? facts, IEnumerable<HostBridge>? hostBridges)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        var byAddress = new Dictionary<Sbdf, Pending>(functions.Count);
        for (int i = 0; i < functions.Count; i++)
        {
            var f = functions[i];
            if (byAddress.ContainsKey(f.Address)) { warnings.Add($"{f.Address} is listed twice; the first is kept"); continue; }
            byAddress[f.Address] = new Pending(f, facts is null ? FunctionFacts.Read(f.Config.Bytes) : facts[i]);
        }
        InferVirtualFunctions(byAddress);
        var all = new Pending[byAddress.Count];
        var allKeys = new Sbdf[all.Length];
        int count = 0;
        foreach (var (address, p) in byAddress) { allKeys[count] = address; all[count++] = p; }
        Array.Sort(allKeys, all);

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

        var hosts = hostBridges is null ? InferHostBridges(all, bridgeForBus) : SortedHosts(hostBridges);

        int physicalCount = 0;
        bool anyHinted = false;
        foreach (var p in all)
        {
            if (p.IsVf) continue;
            physicalCount++;
            p.Host = FirstDecoding(hosts, p.Address);
            if (p.Host is null) warnings.Add($"{p.Address} lies outside every host bridge's bus range");
            if (bridgeForBus.TryGetValue(PciTopology.BusKey(p.Address.Segment, p.Address.Bus), out var up)) p.Upstream = up;
            else if (p.Input.UpstreamHint is { } hint && byAddress.TryGetValue(hint, out var hinted) && !hinted.IsVf
                && (hinted.Facts.IsBridge || hinted.Facts.VendorId == 0xFFFF))
            {
                p.Upstream = hinted;
                anyHinted = true;
                warnings.Add($"{p.Address} is on bus {p.Address.Bus:x2}, which no bridge's config leads to now; placed under {hint} as the OS has it");
            }
            else if (p.Host is not null && p.Host.StartBus != p.Address.Bus)
                warnings.Add($"{p.Address} is on bus {p.Address.Bus:x2}, which no bridge leads to and which is not a root bus");
            if (ConfigBytes.VendorId(p.Input.Config.Bytes) == 0xFFFF)
                warnings.Add($"{p.Address} reads all ones (not responding); its config facts are not trustworthy");
        }
        var vfs = new List<Pending>(all.Length - physicalCount);
        foreach (var p in all)
        {
            if (!p.IsVf) continue;
            vfs.Add(p);
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
        var hintedBuses = anyHinted ? HintedBuses(all, bridgeForBus) : null;

        // Physical functions in address order, so each bus's functions are one run (by DevFn).
        var physical = new Pending[physicalCount];
        var busStart = new Dictionary<long, int>();
        for (int i = 0, k = 0; i < all.Length; i++)
        {
            var p = all[i];
            if (p.IsVf) continue;
            busStart.TryAdd(PciTopology.BusKey(p.Address.Segment, p.Address.Bus), k);
            physical[k++] = p;
        }

        // Linux's order: pci_scan_child_bus adds each bus's functions by DevFn, then scans behind each bridge.
        var ordered = new List<Pending>(all.Length);
        var visitedBuses = new HashSet<long>();
        foreach (var h in hosts) ScanBus(h.Segment, h.StartBus);
        foreach (var p in physical)
            if (p.Upstream is null) ScanBus(p.Address.Segment, p.Address.Bus);
        foreach (var p in physical)
        {
            if (p.Order < 0) { warnings.Add($"{p.Address} is not reachable from any root bus"); p.Order = ordered.Count; ordered.Add(p); }
        }
        // VFs last, by their PF's position, then by address.
        if (vfs.Count > 0)
        {
            var vfKeys = new (int PfOrder, Sbdf Address)[vfs.Count];
            var vfArray = vfs.ToArray();
            for (int i = 0; i < vfArray.Length; i++)
                vfKeys[i] = (byAddress.TryGetValue(vfArray[i].Input.PhysicalFunction!.Value, out var pf) ? pf.Order : int.MaxValue, vfArray[i].Address);
            Array.Sort(vfKeys, vfArray);
            foreach (var vf in vfArray)
            {
                vf.Order = ordered.Count;
                ordered.Add(vf);
            }
        }

        void ScanBus(uint segment, byte bus)
        {
            long key = PciTopology.BusKey(segment, bus);
            if (!visitedBuses.Add(key) || !busStart.TryGetValue(key, out int start)) return;
            int first = ordered.Count;
            for (int k = start; k < physical.Length && PciTopology.BusKey(physical[k].Address.Segment, physical[k].Address.Bus) == key; k++)
            {
                var p = physical[k];
                if (p.Order < 0) { p.Order = ordered.Count; ordered.Add(p); }
            }
            // ordered[first..last) are this bus's functions; the scans below append after them.
            int last = ordered.Count;
            for (int i = first; i < last; i++)
            {
                var p = ordered[i];
                if (p.Facts.IsBridge && bridgeForBus.TryGetValue(PciTopology.BusKey(segment, p.Facts.SecondaryBus), out var b) && b == p)
                    ScanBus(segment, p.Facts.SecondaryBus);
                else if (hintedBuses is not null && hintedBuses.TryGetValue(p, out var buses))
                    foreach (byte child in buses) ScanBus(segment, child);
            }
        }

        var fallbackHost = new Dictionary<(uint, byte), HostBridge>();
        var nodes = new TopologyNode[ordered.Count];
        var childCount = new int[nodes.Length];
        var vfCount = new int[nodes.Length];
        for (int i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            var upstreamFacts = p.Upstream?.Facts;
            bool ari = !p.IsVf && p.Facts.HasAri && upstreamFacts is { AriForwardingEnabled: true };
            int fn = ari ? p.Address.DevFn : p.Address.Function;
            var host = p.Host ?? FallbackHost(p.Address);
            int pfOrder = p.IsVf && byAddress.TryGetValue(p.Input.PhysicalFunction!.Value, out var pf) ? pf.Order : -1;
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
                PhysicalFunction = pfOrder >= 0 ? p.Input.PhysicalFunction : null,
                IsAriFunction = ari,
                // Linux pci_scan_slot sets multifunction for every function found after function 0.
                IsMultiFunction = !p.IsVf && (p.Facts.MultiFunctionBit || fn != 0),
                PhantomRequesterIds = PhantomIds(p.Address, p.Facts.PhantomFunctionBits, ari),
            };
            if (pfOrder >= 0) vfCount[pfOrder]++;
            else if (nodes[i].UpstreamIndex >= 0) childCount[nodes[i].UpstreamIndex]++;
        }
        // Children and VFs in canonical order, each array sized exactly.
        var children = new Sbdf[nodes.Length][];
        var vfsOf = new Sbdf[nodes.Length][];
        var filledChildren = new int[nodes.Length];
        var filledVfs = new int[nodes.Length];
        foreach (var n in nodes)
        {
            if (n.PhysicalFunction is not null)
            {
                int pf = byAddress[n.PhysicalFunction.Value].Order;
                (vfsOf[pf] ??= new Sbdf[vfCount[pf]])[filledVfs[pf]++] = n.Address;
            }
            else if (n.UpstreamIndex >= 0)
            {
                int up = n.UpstreamIndex;
                (children[up] ??= new Sbdf[childCount[up]])[filledChildren[up]++] = n.Address;
            }
        }
        for (int i = 0; i < nodes.Length; i++)
        {
            if (children[i] is { } c) nodes[i].Children = ImmutableCollectionsMarshal.AsImmutableArray(c);
            if (vfsOf[i] is { } v) nodes[i].VirtualFunctions = ImmutableCollectionsMarshal.AsImmutableArray(v);
        }
        var hostList = ImmutableArray.CreateBuilder<HostBridge>(hosts.Count + fallbackHost.Count);
        foreach (var h in hosts) if (!hostList.Contains(h)) hostList.Add(h);
        foreach (var h in fallbackHost.Values) if (!hostList.Contains(h)) hostList.Add(h);
        // Address order: all[k] is the k-th function by address, and its node sits at all[k].Order.
        var addressOrder = new int[nodes.Length];
        for (int k = 0; k < all.Length; k++) addressOrder[k] = all[k].Order;
        return new PciTopology(hostList.ToImmutable(), ImmutableCollectionsMarshal.AsImmutableArray(nodes), warnings.ToImmutable(), addressOrder);

        HostBridge FallbackHost(Sbdf a)
        {
            if (!fallbackHost.TryGetValue((a.Segment, a.Bus), out var h)) fallbackHost[(a.Segment, a.Bus)] = h = new HostBridge(a.Segment, a.Bus, a.Bus, 0);
            return h;
        }
    }

    /// <summary>The given host bridges by segment, then start bus (a stable sort: equal ones keep their order).</summary>
    private static List<HostBridge> SortedHosts(IEnumerable<HostBridge> hostBridges)
    {
        var hosts = new List<HostBridge>(hostBridges);
        for (int i = 1; i < hosts.Count; i++)
        {
            var h = hosts[i];
            int j = i - 1;
            for (; j >= 0 && (hosts[j].Segment > h.Segment || (hosts[j].Segment == h.Segment && hosts[j].StartBus > h.StartBus)); j--) hosts[j + 1] = hosts[j];
            hosts[j + 1] = h;
        }
        return hosts;
    }

    private static HostBridge? FirstDecoding(List<HostBridge> hosts, Sbdf address)
    {
        foreach (var h in hosts) if (h.Decodes(address)) return h;
        return null;
    }

    /// <summary>For each bridge that physical functions were placed under by an OS hint only, their distinct bus numbers in order.</summary>
    private static Dictionary<Pending, List<byte>> HintedBuses(Pending[] all, Dictionary<long, Pending> bridgeForBus)
    {
        var hinted = new Dictionary<Pending, List<byte>>();
        foreach (var p in all)
        {
            if (p.IsVf || p.Upstream is not { } u || bridgeForBus.ContainsKey(PciTopology.BusKey(p.Address.Segment, p.Address.Bus))) continue;
            if (!hinted.TryGetValue(u, out var buses)) hinted[u] = buses = [];
            if (!buses.Contains(p.Address.Bus)) buses.Add(p.Address.Bus);
        }
        foreach (var buses in hinted.Values) buses.Sort();
        return hinted;
    }

    /// <summary>
    /// A function given without a PF link (an lspci dump has none) whose Vendor ID reads all ones and whose
    /// RID is one an enabled PF's SR-IOV capability assigns (§9.3.3.9-10) is that PF's VF.
    /// </summary>
    private static void InferVirtualFunctions(Dictionary<Sbdf, Pending> byAddress)
    {
        List<Pending>? candidates = null;
        foreach (var p in byAddress.Values)
            if (!p.IsVf && p.Facts.VendorId == 0xFFFF) (candidates ??= []).Add(p);
        if (candidates is null) return;
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
    private static List<HostBridge> InferHostBridges(Pending[] all, Dictionary<long, Pending> bridgeForBus)
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
