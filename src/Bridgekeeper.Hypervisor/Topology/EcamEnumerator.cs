using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// The hypervisor's own walk of the hierarchy below the reported host bridges, as Linux's
/// <c>pci_scan_child_bus</c> does it: each bus's devices, functions 1-7 only when function 0 is
/// multifunction (or the ARI Next Function chain under an ARI-forwarding port, PCIe Base 6.0 §6.13),
/// the bus behind each bridge, and the VFs each enabled PF exposes (RID = PF RID + First VF Offset +
/// n x VF Stride, §9.3.3.9-10). Below a Root Port or Switch Downstream Port that does not forward ARI
/// only Device 0 is probed, as Linux's <c>only_one_child</c> does: such a port completes Type 0 requests
/// for any other Device Number as Unsupported Request (§7.3.1), so probing Devices 1-31 there can only
/// read all ones.
/// </summary>
public static class EcamEnumerator
{
    public static List<FunctionConfig> Enumerate(IConfigAccess ecam, IEnumerable<HostBridge> hostBridges)
    {
        var found = new List<FunctionConfig>();
        Enumerate(ecam, hostBridges, found, new List<FunctionFacts>());
        return found;
    }

    /// <summary>
    /// The walk, with each function's <see cref="FunctionFacts"/> (<paramref name="facts"/>[i] belongs to
    /// <paramref name="found"/>[i]) read once from the copy the walk made, so the tree builder need not read them again.
    /// </summary>
    internal static void Enumerate(IConfigAccess ecam, IEnumerable<HostBridge> hostBridges, List<FunctionConfig> found, List<FunctionFacts> facts)
    {
        var walk = new Walk(ecam, found, facts);
        foreach (var host in hostBridges)
        {
            walk.Buses.Clear();
            walk.ScanBus(host, host.StartBus, ariForwarding: false, onlyDeviceZero: false);
        }
        int physical = found.Count;
        for (int i = 0; i < physical; i++)
        {
            var pf = found[i];
            var pfFacts = facts[i];
            if (pfFacts.SriovOffset == 0 || !pfFacts.VfEnabled || pfFacts.NumVfs == 0) continue;
            int rid = pf.Address.RequesterId.Value;
            for (int n = 0; n < pfFacts.NumVfs; n++)
            {
                int vfRid = rid + pfFacts.FirstVfOffset + n * pfFacts.VfStride;
                if (vfRid > 0xFFFF) break;
                var vf = Sbdf.FromRequesterId(pf.Address.Segment, new RequesterId((ushort)vfRid));
                if (!walk.Seen.Add(vf)) continue;
                var config = EcamFunctionReader.Read(ecam, vf);
                found.Add(new FunctionConfig(vf, config, pf.Address));
                facts.Add(FunctionFacts.Read(config.Bytes));
            }
        }
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

    /// <summary>One walk's state: what was found, which functions and buses were seen.</summary>
    private sealed class Walk(IConfigAccess ecam, List<FunctionConfig> found, List<FunctionFacts> facts)
    {
        public HashSet<Sbdf> Seen { get; } = [];

        /// <summary>Buses scanned below the current host bridge.</summary>
        public HashSet<byte> Buses { get; } = [];

        public void ScanBus(HostBridge host, byte bus, bool ariForwarding, bool onlyDeviceZero)
        {
            if (!Buses.Add(bus)) return;
            // The functions this scan added (not those seen before) are found[firstHere..]; bridges among them lead on.
            int firstHere = found.Count;
            int devices = onlyDeviceZero ? 1 : 32;
            for (int device = 0; device < devices; device++)
            {
                var f0 = new Sbdf(host.Segment, bus, device, 0);
                if (!Present(f0)) { if (ariForwarding) break; continue; }
                var (config0, facts0) = Add(f0);
                if (ariForwarding && facts0.HasAri)
                {
                    // Under ARI the device is device 0 with up to 256 functions, chained by Next Function Number.
                    int next = AriNext(config0.Bytes);
                    for (int guard = 0; next != 0 && guard < 255; guard++)
                    {
                        var f = new Sbdf(host.Segment, bus, (byte)next);
                        if (!Present(f)) break;
                        next = AriNext(Add(f).Config.Bytes);
                    }
                    break;
                }
                if (!facts0.MultiFunctionBit) continue;
                for (int fn = 1; fn < 8; fn++)
                {
                    var f = new Sbdf(host.Segment, bus, device, fn);
                    if (Present(f)) Add(f);
                }
            }
            int lastHere = found.Count;
            for (int i = firstHere; i < lastHere; i++)
            {
                var bridge = facts[i];
                if (!bridge.IsBridge || bridge.SecondaryBus <= bus || bridge.SecondaryBus > host.EndBus) continue;
                bool linkBelow = bridge.PortType is PciePortType.RootPort or PciePortType.DownstreamPort;
                ScanBus(host, bridge.SecondaryBus, bridge.AriForwardingEnabled, onlyDeviceZero: linkBelow && !bridge.AriForwardingEnabled);
            }
        }

        private (ConfigSpace Config, FunctionFacts Facts) Add(Sbdf address)
        {
            var config = EcamFunctionReader.Read(ecam, address);
            var functionFacts = FunctionFacts.Read(config.Bytes);
            if (Seen.Add(address))
            {
                found.Add(new FunctionConfig(address, config));
                facts.Add(functionFacts);
            }
            return (config, functionFacts);
        }

        private bool Present(Sbdf f)
        {
            ushort vendor = EcamFunctionReader.VendorId(ecam, f);
            return vendor is not (0xFFFF or 0x0000 or 0x0001); // 0x0001: Request Retry Status with SV (§2.3.2): not ready yet
        }
    }

    private static int AriNext(ReadOnlySpan<byte> config) =>
        CapabilityList.FindExtended(config, ExtendedCapabilityId.AlternativeRoutingId) is { } ari ? AriCapability.NextFunction(config, ari) : 0;
}
