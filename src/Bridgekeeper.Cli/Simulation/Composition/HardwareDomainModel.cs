using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The hardware domain (d0) at boot, as a Linux dom0 on Xen does it: it walks ECAM through the
/// hypervisor's pass-through path (every access is a trapped <see cref="IHypervisorEntry"/> call for
/// <see cref="DomainId.Hardware"/>), enables SR-IOV on PFs that have it (its PF driver's job), then
/// reports host bridges and then functions to the hypervisor in a seeded shuffled order, physical
/// functions before their VFs (a VF reported before its PF is a contradiction the hypervisor refuses).
/// </summary>
public sealed class HardwareDomainModel(IHypervisorEntry hypervisor, IPhysdevOps physdev)
{
    private const int VfsToEnable = 4;

    public sealed record Found(Sbdf Address, Sbdf? PhysicalFunction);

    /// <summary>Scans every host bridge's bus range below its root bus (PCI Firmware Spec: buses are numbered by firmware; d0 follows bridges).</summary>
    public List<Found> Scan(IEnumerable<(uint Segment, byte StartBus)> hostBridges)
    {
        var found = new List<Found>();
        foreach (var (segment, bus) in hostBridges) ScanBus(segment, bus, found, depth: 0);
        return found;
    }

    /// <summary>Sets NumVFs and VF Enable on each SR-IOV PF (PCIe Base 6.0 §9.3.3.3); the VFs appear after the spec's delay.</summary>
    public List<Sbdf> EnableVirtualFunctions(IEnumerable<Found> functions)
    {
        var pfs = new List<Sbdf>();
        foreach (var f in functions)
        {
            int sriov = FindExtended(f.Address, (ushort)ExtendedCapabilityId.SingleRootIov);
            if (sriov == 0) continue;
            uint total = Read(f.Address, sriov + SriovCapability.TotalVfs, 2);
            uint n = Math.Min(total, VfsToEnable);
            if (n == 0) continue;
            Write(f.Address, sriov + SriovCapability.NumVfs, 2, n);
            uint control = Read(f.Address, sriov + SriovCapability.Control, 2);
            Write(f.Address, sriov + SriovCapability.Control, 2, control | SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
            pfs.Add(f.Address);
        }
        return pfs;
    }

    /// <summary>
    /// Enables ACS the way Linux's <c>pci_std_enable_acs</c> does while enumerating: Source Validation,
    /// Request Redirect, Completion Redirect and Upstream Forwarding, each where the capability has it
    /// (PCIe Base 6.0 §7.7.8). Isolation groups depend on it.
    /// </summary>
    public void EnableAcs(IEnumerable<Found> functions)
    {
        const uint Wanted = 0x1 | 0x4 | 0x8 | 0x10; // SV, RR, CR, UF (§7.7.8.2-3)
        foreach (var f in functions)
        {
            int acs = FindExtended(f.Address, (ushort)ExtendedCapabilityId.AccessControlServices);
            if (acs == 0) continue;
            uint capability = Read(f.Address, acs + 4, 2);
            uint control = Read(f.Address, acs + 6, 2);
            Write(f.Address, acs + 6, 2, control | (capability & Wanted));
        }
    }

    /// <summary>
    /// The VFs of a PF from NumVFs, First VF Offset and VF Stride (§9.3.3.9-10). A VF's Vendor ID reads
    /// FFFFh (§9.3.4.1.1), so d0 does not probe for them: it knows them from the PF's capability.
    /// </summary>
    public List<Found> VirtualFunctionsOf(Sbdf pf)
    {
        var vfs = new List<Found>();
        int sriov = FindExtended(pf, (ushort)ExtendedCapabilityId.SingleRootIov);
        uint n = Read(pf, sriov + SriovCapability.NumVfs, 2);
        uint offset = Read(pf, sriov + SriovCapability.FirstVfOffset, 2), stride = Read(pf, sriov + SriovCapability.VfStride, 2);
        for (uint i = 0; i < n; i++)
        {
            int rid = pf.RequesterId.Value + (int)(offset + i * stride);
            var vf = new Sbdf(pf.Segment, (byte)(rid >> 8), (byte)rid);
            vfs.Add(new Found(vf, pf));
        }
        return vfs;
    }

    /// <summary>Reports everything in a shuffled order; PFs always before their VFs.</summary>
    public List<(Sbdf Device, PhysdevResult Result)> Report(IEnumerable<(ulong Ecam, uint Segment, byte Start, byte End)> hostBridges,
        List<Found> functions, IRandomSource random)
    {
        foreach (var (ecam, segment, start, end) in hostBridges) physdev.ReportHostBridge(ecam, segment, start, end);
        var plain = functions.Where(f => f.PhysicalFunction is null).ToList();
        var vfs = functions.Where(f => f.PhysicalFunction is not null).ToList();
        Shuffle(plain, random);
        Shuffle(vfs, random);
        var results = new List<(Sbdf, PhysdevResult)>();
        foreach (var f in plain.Concat(vfs))
        {
            var flags = f.PhysicalFunction is null ? PhysdevDeviceFlags.None : PhysdevDeviceFlags.VirtualFunction;
            results.Add((f.Address, physdev.ReportDeviceAdd(f.Address, flags, f.PhysicalFunction, null)));
        }
        return results;
    }

    private static void Shuffle<T>(List<T> items, IRandomSource random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private void ScanBus(uint segment, byte bus, List<Found> found, int depth)
    {
        if (depth > 32) return;
        for (int device = 0; device < 32; device++)
        {
            for (int function = 0; function < 8; function++)
            {
                var f = new Sbdf(segment, bus, device, function);
                uint vendor = Read(f, ConfigHeader.VendorId, 2);
                if (vendor == 0xFFFF)
                {
                    if (function == 0) break;
                    continue;
                }
                found.Add(new Found(f, null));
                uint headerType = Read(f, ConfigHeader.HeaderType, 1);
                if ((headerType & 0x7F) == 1)
                {
                    byte secondary = (byte)Read(f, ConfigHeader.SecondaryBus, 1);
                    if (secondary > bus) ScanBus(segment, secondary, found, depth + 1);
                }
                if (function == 0 && (headerType & 0x80) == 0) break;
            }
        }
    }

    private int FindExtended(Sbdf f, ushort id)
    {
        // Only a PCI Express function has extended config space (PCIe Base 6.0 §7.2.2); a conventional one has 256 bytes.
        if (!HasPciExpressCapability(f)) return 0;
        int where = 0x100;
        for (int ttl = 0; where >= 0x100 && ttl < 480; ttl++)
        {
            uint header = Read(f, where, 4);
            if (header is 0 or 0xFFFF_FFFF) return 0;
            if ((header & 0xFFFF) == id) return where;
            where = (int)(header >> 20) & ~3;
        }
        return 0;
    }

    private bool HasPciExpressCapability(Sbdf f)
    {
        if ((Read(f, ConfigHeader.Status, 2) & ConfigHeader.StatusCapabilitiesList) == 0) return false;
        int at = (int)Read(f, ConfigHeader.CapabilitiesPointer, 1) & 0xFC;
        for (int ttl = 0; at >= 0x40 && ttl < 48; ttl++)
        {
            if ((Read(f, at, 1) & 0xFF) == (byte)CapabilityId.PciExpress) return true;
            at = (int)Read(f, at + 1, 1) & 0xFC;
        }
        return false;
    }

    private uint Read(Sbdf f, int offset, int size) => hypervisor.ConfigRead(DomainId.Hardware, f, offset, size);

    private void Write(Sbdf f, int offset, int size, uint value) => hypervisor.ConfigWrite(DomainId.Hardware, f, offset, size, value);
}
