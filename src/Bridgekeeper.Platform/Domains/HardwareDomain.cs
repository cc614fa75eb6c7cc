using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// The hardware domain (Xen's dom0) at boot: it scans each host bridge MCFG lists through the
/// hypervisor's pass-through config path (<see cref="IHypervisorEntry.ConfigRead"/> as
/// <see cref="DomainId.Hardware"/>), following the bus numbers firmware programmed, finds the VFs of
/// enabled SR-IOV PFs (PCIe Base 6.0 §9.3.3.9-10), and reports host bridges and then functions to
/// <see cref="IPhysdevOps"/> in an order shuffled by the seeded random source, as Linux's probe order
/// is not the hypervisor's business (Xen's PHYSDEVOP_pci_mmcfg_reserved / _pci_device_add).
/// </summary>
public sealed class HardwareDomain(IHypervisorEntry hypervisor, IPhysdevOps physdev, IRandomSource random)
{
    /// <summary>What was reported, in order, with the hypervisor's answers.</summary>
    public List<(string Report, PhysdevResult Result)> Reports { get; } = [];

    public IReadOnlyList<Found> Boot(IEnumerable<(ulong EcamBase, uint Segment, byte StartBus, byte EndBus)> hostBridges)
    {
        var bridges = hostBridges.ToList();
        foreach (var (ecam, segment, start, end) in bridges)
            Reports.Add(($"host bridge {segment:x4} [{start:x2}-{end:x2}]", physdev.ReportHostBridge(ecam, segment, start, end)));
        var found = new List<Found>();
        foreach (var (_, segment, start, end) in bridges) ScanBus(segment, start, end, found, depth: 0);
        // Fisher-Yates with the seeded source: a different seed is a different (reproducible) probe order.
        var order = found.ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        foreach (var f in order)
            Reports.Add(($"device {f.Address}", physdev.ReportDeviceAdd(f.Address, f.Flags, f.PhysicalFunction, null)));
        return order;
    }

    /// <summary>
    /// What a dom0 does while enumerating, before it reports anything: ACS enabled the way Linux's
    /// <c>pci_std_enable_acs</c> does (Source Validation, Request Redirect, Completion Redirect, Upstream
    /// Forwarding, each where the capability offers it, PCIe Base 6.0 §7.7.8), and SR-IOV enabled on each
    /// PF by its driver: NumVFs = min(TotalVFs, <paramref name="vfsPerPf"/>), VF Enable and VF MSE
    /// (§9.3.3.3). The VFs answer only after the VF Enable delay (§9.3.3.3.1: 100 ms), so the caller lets
    /// that time pass before <see cref="Boot"/>. Returns how many PFs got VFs.
    /// </summary>
    public int EnableAcsAndVirtualFunctions(IEnumerable<(ulong EcamBase, uint Segment, byte StartBus, byte EndBus)> hostBridges, int vfsPerPf)
    {
        const uint AcsWanted = 0x1 | 0x4 | 0x8 | 0x10; // SV, RR, CR, UF (§7.7.8.2-3)
        var found = new List<Found>();
        foreach (var (_, segment, start, end) in hostBridges) ScanBus(segment, start, end, found, depth: 0);
        int pfs = 0;
        foreach (var f in found)
        {
            if (f.PhysicalFunction is not null) continue;
            if (FindExtended(f.Address, (ushort)ExtendedCapabilityId.AccessControlServices) is var acs and > 0)
                Write(f.Address, acs + 6, 2, Read(f.Address, acs + 6, 2) | (Read(f.Address, acs + 4, 2) & AcsWanted));
            if (FindExtended(f.Address, (ushort)ExtendedCapabilityId.SingleRootIov) is var sriov and > 0
                && (Read(f.Address, sriov + SriovCapability.Control, 2) & SriovCapability.VfEnable) == 0)
            {
                uint n = Math.Min(Read(f.Address, sriov + SriovCapability.TotalVfs, 2), (uint)vfsPerPf);
                if (n == 0) continue;
                Write(f.Address, sriov + SriovCapability.NumVfs, 2, n);
                Write(f.Address, sriov + SriovCapability.Control, 2,
                    Read(f.Address, sriov + SriovCapability.Control, 2) | SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
                pfs++;
            }
        }
        return pfs;
    }

    /// <summary>One function the scan found.</summary>
    public readonly record struct Found(Sbdf Address, PhysdevDeviceFlags Flags, Sbdf? PhysicalFunction);

    private uint Read(Sbdf f, int offset, int size) => hypervisor.ConfigRead(DomainId.Hardware, f, offset, size);

    private void Write(Sbdf f, int offset, int size, uint value) => hypervisor.ConfigWrite(DomainId.Hardware, f, offset, size, value);

    /// <summary>An extended capability's offset, 0 when absent (a conventional function reads 0 or all ones at 100h).</summary>
    private int FindExtended(Sbdf f, ushort id)
    {
        int at = CapabilityList.ExtendedListStart;
        for (int ttl = 0; ttl < CapabilityList.MaxExtendedEntries && at >= CapabilityList.ExtendedListStart; ttl++)
        {
            uint header = Read(f, at, 4);
            if (header is 0 or 0xFFFF_FFFF) return 0;
            if ((ushort)header == id) return at;
            at = (int)(header >> 20) & ~3;
        }
        return 0;
    }

    private void ScanBus(uint segment, byte bus, byte end, List<Found> found, int depth)
    {
        if (depth > 32) return; // a bus-number loop in broken firmware must not hang the scan
        for (int device = 0; device < 32; device++)
        {
            var f0 = new Sbdf(segment, bus, device, 0);
            if ((ushort)Read(f0, ConfigHeader.VendorId, 2) == 0xFFFF) continue;
            bool multi = (Read(f0, ConfigHeader.HeaderType, 1) & ConfigHeader.MultiFunctionBit) != 0;
            for (int fn = 0; fn < (multi ? 8 : 1); fn++)
            {
                var a = new Sbdf(segment, bus, device, fn);
                if ((ushort)Read(a, ConfigHeader.VendorId, 2) == 0xFFFF) continue;
                found.Add(new Found(a, PhysdevDeviceFlags.None, null));
                AddVirtualFunctions(a, found);
                if ((Read(a, ConfigHeader.HeaderType, 1) & 0x7F) != 1) continue;
                byte secondary = (byte)Read(a, ConfigHeader.SecondaryBus, 1);
                if (secondary > bus && secondary <= end) ScanBus(segment, secondary, end, found, depth + 1);
            }
        }
    }

    private void AddVirtualFunctions(Sbdf pf, List<Found> found)
    {
        int at = CapabilityList.ExtendedListStart;
        for (int ttl = 0; ttl < CapabilityList.MaxExtendedEntries && at >= CapabilityList.ExtendedListStart; ttl++)
        {
            uint header = Read(pf, at, 4);
            if (header is 0 or 0xFFFF_FFFF) return;
            if ((ushort)header == (ushort)ExtendedCapabilityId.SingleRootIov)
            {
                if ((Read(pf, at + SriovCapability.Control, 2) & SriovCapability.VfEnable) == 0) return;
                int count = (int)Read(pf, at + SriovCapability.NumVfs, 2);
                int offset = (int)Read(pf, at + SriovCapability.FirstVfOffset, 2), stride = (int)Read(pf, at + SriovCapability.VfStride, 2);
                for (int n = 1; n <= count; n++)
                {
                    int rid = pf.RequesterId.Value + offset + (n - 1) * stride;
                    var vf = Sbdf.FromRequesterId(pf.Segment, new RequesterId((ushort)rid));
                    var flags = PhysdevDeviceFlags.VirtualFunction | ((vf.DevFn & 7) != vf.DevFn ? PhysdevDeviceFlags.ExtendedFunction : 0);
                    found.Add(new Found(vf, flags, pf));
                }
                return;
            }
            at = (int)(header >> 20) & ~3;
        }
    }
}
