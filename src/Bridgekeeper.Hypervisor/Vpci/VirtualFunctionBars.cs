using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The BARs of an SR-IOV virtual function. A VF's own BAR registers are read-only zero (PCIe Base 6.0
/// §9.3.4.1.11); its memory is described by the PF's SR-IOV capability: VF BARn (§9.3.3.14) holds the
/// base for VF 0 and, sized like a normal BAR, the aperture of one VF; VF <c>k</c> decodes
/// base + k x size (§9.2.1.1.1), with <c>k</c> = (VF RID - PF RID - First VF Offset) / VF Stride. Sizing
/// runs under the config lock with VF Memory Space Enable off, as <see cref="BarSizer"/> does with
/// Memory Space Enable for an ordinary function, so nothing decodes the all-ones probe. VFs have no
/// Expansion ROM.
/// </summary>
public static class VirtualFunctionBars
{
    private const int VfBarCount = 6;

    public static IReadOnlyList<PhysicalBar> Size(SerialisedConfigAccess config, Sbdf pf, Sbdf vf, int sriov) =>
        config.WithConfigLock(physical => SizeLocked(physical, pf, vf, sriov));

    private static List<PhysicalBar> SizeLocked(IConfigAccess physical, Sbdf pf, Sbdf vf, int sriov)
    {
        var bars = new List<PhysicalBar>(7); // six BARs and the ROM at most
        int first = (int)physical.Read(pf, sriov + SriovCapability.FirstVfOffset, 2);
        int stride = (int)physical.Read(pf, sriov + SriovCapability.VfStride, 2);
        int offset = (vf.Bus << 8 | vf.DevFn) - (pf.Bus << 8 | pf.DevFn) - first;
        if (stride == 0 || offset < 0 || offset % stride != 0)
            throw new InvalidOperationException($"{vf} is not a VF of {pf} (First VF Offset {first}, VF Stride {stride})");
        ulong index = (ulong)(offset / stride);
        int controlAt = sriov + SriovCapability.Control;
        uint control = physical.Read(pf, controlAt, 2);
        physical.Write(pf, controlAt, 2, control & ~(uint)SriovCapability.VfMemorySpaceEnable);
        for (int i = 0; i < VfBarCount; i++)
        {
            int at = sriov + SriovCapability.VfBar0 + 4 * i;
            uint original = physical.Read(pf, at, 4);
            physical.Write(pf, at, 4, 0xFFFF_FFFF);
            uint probed = physical.Read(pf, at, 4);
            physical.Write(pf, at, 4, original);
            bool prefetchable = (original & 0x8) != 0;
            bool wide = ((original >> 1) & 3) == 2 && i + 1 < VfBarCount;
            if (!wide)
            {
                uint mask = probed & 0xFFFF_FFF0;
                ulong size = mask == 0 ? 0 : (ulong)(~mask + 1);
                ulong address = (original & 0xFFFF_FFF0) + index * size;
                bars.Add(new PhysicalBar(i, size == 0 ? BarKind.Empty : BarKind.Memory32, prefetchable, address, size));
                continue;
            }
            uint originalHigh = physical.Read(pf, at + 4, 4);
            physical.Write(pf, at + 4, 4, 0xFFFF_FFFF);
            uint probedHigh = physical.Read(pf, at + 4, 4);
            physical.Write(pf, at + 4, 4, originalHigh);
            ulong mask64 = ((ulong)probedHigh << 32) | (probed & 0xFFFF_FFF0);
            ulong size64 = mask64 == 0 ? 0 : ~mask64 + 1;
            ulong base64 = (((ulong)originalHigh << 32) | (original & 0xFFFF_FFF0)) + index * size64;
            bars.Add(new PhysicalBar(i, size64 == 0 ? BarKind.Empty : BarKind.Memory64Low, prefetchable, base64, size64));
            bars.Add(new PhysicalBar(i + 1, size64 == 0 ? BarKind.Empty : BarKind.Memory64High, prefetchable, base64, size64));
            i++;
        }
        physical.Write(pf, controlAt, 2, control);
        return bars;
    }
}
