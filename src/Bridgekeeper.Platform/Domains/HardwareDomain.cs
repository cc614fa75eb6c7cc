using System.Buffers.Binary;
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
            var extended = ReadExtended(f.Address);
            int acs = FindExtended(extended, (ushort)ExtendedCapabilityId.AccessControlServices);
            int sriov = FindExtended(extended, (ushort)ExtendedCapabilityId.SingleRootIov);
            if (acs > 0)
                Write(f.Address, acs + 6, 2, Read(f.Address, acs + 6, 2) | (Read(f.Address, acs + 4, 2) & AcsWanted));
            if (sriov > 0
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

    // The header registers the scan uses (Vendor ID, Header Type, Secondary Bus Number) fit in the first 0x1C bytes.
    private const int HeaderBlock = 0x1C;

    // The scan is single-threaded: one buffer for the extended space of the function being looked at.
    private readonly byte[] _extended = new byte[ConfigSpace.ExtendedSize - CapabilityList.ExtendedListStart];

    private uint Read(Sbdf f, int offset, int size) => hypervisor.ConfigRead(DomainId.Hardware, f, offset, size);

    private void Write(Sbdf f, int offset, int size, uint value) => hypervisor.ConfigWrite(DomainId.Hardware, f, offset, size, value);

    /// <summary>
    /// The function's extended space (100h-FFFh) in one block through the hypervisor, as the capability
    /// walks see it: the headers are read-only, so a copy taken before a write still finds the same structures.
    /// </summary>
    private ReadOnlySpan<byte> ReadExtended(Sbdf f)
    {
        hypervisor.ConfigReadBlock(DomainId.Hardware, f, CapabilityList.ExtendedListStart, _extended);
        return _extended;
    }

    /// <summary>An extended capability's offset, 0 when absent (a conventional function reads 0 or all ones at 100h).</summary>
    private static int FindExtended(ReadOnlySpan<byte> extended, ushort id)
    {
        int at = CapabilityList.ExtendedListStart;
        for (int ttl = 0; ttl < CapabilityList.MaxExtendedEntries && at >= CapabilityList.ExtendedListStart; ttl++)
        {
            uint header = BinaryPrimitives.ReadUInt32LittleEndian(extended[(at - CapabilityList.ExtendedListStart)..]);
            if (header is 0 or 0xFFFF_FFFF) return 0;
            if ((ushort)header == id) return at;
            at = (int)(header >> 20) & ~3;
        }
        return 0;
    }

    /// <summary>A 16-bit register from the extended space copy; past 4 KiB it reads all ones, as the hypervisor answers such a read.</summary>
    private static ushort Field(ReadOnlySpan<byte> extended, int offset) =>
        offset > ConfigSpace.ExtendedSize - 2 ? (ushort)0xFFFF : BinaryPrimitives.ReadUInt16LittleEndian(extended[(offset - CapabilityList.ExtendedListStart)..]);

    private void ScanBus(uint segment, byte bus, byte end, List<Found> found, int depth)
    {
        if (depth > 32) return; // a bus-number loop in broken firmware must not hang the scan
        Span<byte> header = stackalloc byte[HeaderBlock];
        for (int device = 0; device < 32; device++)
        {
            var f0 = new Sbdf(segment, bus, device, 0);
            hypervisor.ConfigReadBlock(DomainId.Hardware, f0, 0, header);
            if (BinaryPrimitives.ReadUInt16LittleEndian(header) == 0xFFFF) continue;
            bool multi = (header[ConfigHeader.HeaderType] & ConfigHeader.MultiFunctionBit) != 0;
            for (int fn = 0; fn < (multi ? 8 : 1); fn++)
            {
                var a = new Sbdf(segment, bus, device, fn);
                if (fn != 0) hypervisor.ConfigReadBlock(DomainId.Hardware, a, 0, header);
                if (BinaryPrimitives.ReadUInt16LittleEndian(header) == 0xFFFF) continue;
                found.Add(new Found(a, PhysdevDeviceFlags.None, null));
                byte headerType = header[ConfigHeader.HeaderType];
                byte secondary = header[ConfigHeader.SecondaryBus];
                AddVirtualFunctions(a, ReadExtended(a), found);
                if ((headerType & 0x7F) != 1) continue;
                if (secondary > bus && secondary <= end) ScanBus(segment, secondary, end, found, depth + 1);
            }
        }
    }

    private static void AddVirtualFunctions(Sbdf pf, ReadOnlySpan<byte> extended, List<Found> found)
    {
        int at = FindExtended(extended, (ushort)ExtendedCapabilityId.SingleRootIov);
        if (at == 0) return;
        if ((Field(extended, at + SriovCapability.Control) & SriovCapability.VfEnable) == 0) return;
        int count = Field(extended, at + SriovCapability.NumVfs);
        int offset = Field(extended, at + SriovCapability.FirstVfOffset), stride = Field(extended, at + SriovCapability.VfStride);
        for (int n = 1; n <= count; n++)
        {
            int rid = pf.RequesterId.Value + offset + (n - 1) * stride;
            var vf = Sbdf.FromRequesterId(pf.Segment, new RequesterId((ushort)rid));
            var flags = PhysdevDeviceFlags.VirtualFunction | ((vf.DevFn & 7) != vf.DevFn ? PhysdevDeviceFlags.ExtendedFunction : 0);
            found.Add(new Found(vf, flags, pf));
        }
    }
}
