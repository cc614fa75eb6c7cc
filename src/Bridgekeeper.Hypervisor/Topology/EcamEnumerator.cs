using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// The hypervisor's own walk of the hierarchy below the reported host bridges, as Linux's
/// <c>pci_scan_child_bus</c> does it: each bus's devices, functions 1-7 only when function 0 is
/// multifunction (or the ARI Next Function chain under an ARI-forwarding port, PCIe Base 6.0 §6.13),
/// the bus behind each bridge, and the VFs each enabled PF exposes (RID = PF RID + First VF Offset +
/// n x VF Stride, §9.3.3.9-10).
/// </summary>
public static class EcamEnumerator
{
    public static List<FunctionConfig> Enumerate(IConfigAccess ecam, IEnumerable<HostBridge> hostBridges)
    {
        var found = new List<FunctionConfig>();
        var seen = new HashSet<Sbdf>();
        foreach (var host in hostBridges)
            ScanBus(ecam, host, host.StartBus, ariForwarding: false, found, seen, new HashSet<byte>());
        int physical = found.Count;
        for (int i = 0; i < physical; i++)
        {
            var pf = found[i];
            var facts = FunctionFacts.Read(pf.Config.Bytes);
            if (facts.SriovOffset == 0 || !facts.VfEnabled || facts.NumVfs == 0) continue;
            foreach (var vf in VirtualFunctionsOf(pf.Address, facts))
            {
                if (seen.Add(vf)) found.Add(new FunctionConfig(vf, EcamFunctionReader.Read(ecam, vf), pf.Address));
            }
        }
        return found;
    }

    /// <summary>The VF addresses an enabled PF exposes, stopping at the end of the segment's RID space.</summary>
    public static IEnumerable<Sbdf> VirtualFunctionsOf(Sbdf pf, FunctionFacts facts)
    {
        int rid = pf.RequesterId.Value;
        for (int n = 0; n < facts.NumVfs; n++)
        {
            int vf = rid + facts.FirstVfOffset + n * facts.VfStride;
            if (vf > 0xFFFF) yield break;
            yield return Sbdf.FromRequesterId(pf.Segment, new RequesterId((ushort)vf));
        }
    }

    private static void ScanBus(IConfigAccess ecam, HostBridge host, byte bus, bool ariForwarding, List<FunctionConfig> found, HashSet<Sbdf> seen, HashSet<byte> buses)
    {
        if (!buses.Add(bus)) return;
        var onThisBus = new List<(Sbdf Address, FunctionFacts Facts)>();
        for (int device = 0; device < 32; device++)
        {
            var f0 = new Sbdf(host.Segment, bus, device, 0);
            if (!Present(ecam, f0)) { if (ariForwarding) break; continue; }
            var facts0 = Add(f0);
            if (ariForwarding && facts0.HasAri)
            {
                // Under ARI the device is device 0 with up to 256 functions, chained by Next Function Number.
                var config = found[^1].Config.Bytes;
                int next = AriNext(config);
                for (int guard = 0; next != 0 && guard < 255; guard++)
                {
                    var f = new Sbdf(host.Segment, bus, (byte)next);
                    if (!Present(ecam, f)) break;
                    Add(f);
                    next = AriNext(found[^1].Config.Bytes);
                }
                break;
            }
            if (!facts0.MultiFunctionBit) continue;
            for (int fn = 1; fn < 8; fn++)
            {
                var f = new Sbdf(host.Segment, bus, device, fn);
                if (Present(ecam, f)) Add(f);
            }
        }
        foreach (var (address, facts) in onThisBus)
        {
            if (!facts.IsBridge || facts.SecondaryBus <= bus || facts.SecondaryBus > host.EndBus) continue;
            ScanBus(ecam, host, facts.SecondaryBus, facts.AriForwardingEnabled, found, seen, buses);
        }

        FunctionFacts Add(Sbdf address)
        {
            var config = EcamFunctionReader.Read(ecam, address);
            var facts = FunctionFacts.Read(config.Bytes);
            if (seen.Add(address))
            {
                found.Add(new FunctionConfig(address, config));
                onThisBus.Add((address, facts));
            }
            return facts;
        }
    }

    private static bool Present(IConfigAccess ecam, Sbdf f)
    {
        ushort vendor = EcamFunctionReader.VendorId(ecam, f);
        return vendor is not (0xFFFF or 0x0000 or 0x0001); // 0x0001: Request Retry Status with SV (§2.3.2): not ready yet
    }

    private static int AriNext(ReadOnlySpan<byte> config) =>
        CapabilityList.FindExtended(config, ExtendedCapabilityId.AlternativeRoutingId) is { } ari ? AriCapability.NextFunction(config, ari) : 0;
}
