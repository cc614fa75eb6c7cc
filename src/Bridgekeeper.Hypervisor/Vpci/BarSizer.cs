using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// Sizes a function's BARs and Expansion ROM the way PCIe Base 6.0 §7.5.1.2.1 prescribes: with memory
/// and I/O decode off, write all ones, read back the writable address bits, restore. It is a
/// multi-access sequence on shared physical config space, so it runs under the config lock for its
/// whole length; a hardware-domain access can never see the all-ones value in between.
/// </summary>
public static class BarSizer
{
    public const uint RomAddressMask = 0xFFFF_F800;

    /// <summary>Sizes every BAR of a Type 0 function (6 BARs and the ROM at 0x30) or a Type 1 function (2 BARs, ROM at 0x38).</summary>
    public static IReadOnlyList<PhysicalBar> Size(SerialisedConfigAccess config, Sbdf function) =>
        config.WithConfigLock(physical => SizeLocked(physical, function));

    private static List<PhysicalBar> SizeLocked(IConfigAccess physical, Sbdf function)
    {
        var bars = new List<PhysicalBar>(7); // six BARs and the ROM at most
        int headerType = (int)physical.Read(function, ConfigHeader.HeaderType, 1) & 0x7F;
        int count = headerType == 1 ? 2 : headerType == 0 ? 6 : 0;
        int romAt = headerType == 1 ? ConfigHeader.BridgeExpansionRomBar : ConfigHeader.ExpansionRomBar;
        uint command = physical.Read(function, ConfigHeader.Command, 2);
        physical.Write(function, ConfigHeader.Command, 2, command & ~(uint)(ConfigHeader.CommandMemorySpace | ConfigHeader.CommandIoSpace));
        for (int i = 0; i < count; i++)
        {
            int at = ConfigHeader.Bar0 + 4 * i;
            uint original = physical.Read(function, at, 4);
            uint probed = Probe(physical, function, at, original);
            if ((original & 1) != 0)
            {
                uint mask = probed & 0xFFFF_FFFC;
                ulong size = mask == 0 ? 0 : (~mask + 1) & 0xFFFF;
                bars.Add(new PhysicalBar(i, size == 0 ? BarKind.Empty : BarKind.Io, false, original & 0xFFFF_FFFC, size));
                continue;
            }
            bool prefetchable = (original & 0x8) != 0;
            bool wide = ((original >> 1) & 3) == 2 && i + 1 < count;
            if (!wide)
            {
                uint mask = probed & 0xFFFF_FFF0;
                ulong size = mask == 0 ? 0 : (ulong)(~mask + 1);
                bars.Add(new PhysicalBar(i, size == 0 ? BarKind.Empty : BarKind.Memory32, prefetchable, original & 0xFFFF_FFF0, size));
                continue;
            }
            uint originalHigh = physical.Read(function, at + 4, 4);
            uint probedHigh = Probe(physical, function, at + 4, originalHigh);
            ulong mask64 = ((ulong)probedHigh << 32) | (probed & 0xFFFF_FFF0);
            ulong size64 = mask64 == 0 ? 0 : ~mask64 + 1;
            ulong address = ((ulong)originalHigh << 32) | (original & 0xFFFF_FFF0);
            bars.Add(new PhysicalBar(i, size64 == 0 ? BarKind.Empty : BarKind.Memory64Low, prefetchable, address, size64));
            bars.Add(new PhysicalBar(i + 1, size64 == 0 ? BarKind.Empty : BarKind.Memory64High, prefetchable, address, size64));
            i++;
        }
        if (count > 0)
        {
            uint rom = physical.Read(function, romAt, 4);
            physical.Write(function, romAt, 4, RomAddressMask);
            uint romMask = physical.Read(function, romAt, 4) & RomAddressMask;
            physical.Write(function, romAt, 4, rom);
            ulong romSize = romMask == 0 ? 0 : (ulong)(~romMask + 1);
            bars.Add(new PhysicalBar(PhysicalBar.RomIndex, romSize == 0 ? BarKind.Empty : BarKind.Rom, false, rom & RomAddressMask, romSize));
        }
        physical.Write(function, ConfigHeader.Command, 2, command);
        return bars;
    }

    private static uint Probe(IConfigAccess physical, Sbdf function, int at, uint original)
    {
        physical.Write(function, at, 4, 0xFFFF_FFFF);
        uint probed = physical.Read(function, at, 4);
        physical.Write(function, at, 4, original);
        return probed;
    }
}
