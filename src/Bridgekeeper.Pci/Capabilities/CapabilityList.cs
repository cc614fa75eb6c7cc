using System.Collections.Immutable;

namespace Bridgekeeper.Pci;

/// <summary>
/// The capabilities of one function, walked from the standard list (Capabilities Pointer, PCI
/// Local Bus 3.0 §6.7) and the extended list (from 0x100, PCIe Base 6.0 §7.6), in list order, with
/// warnings for broken chains. The extended list is walked only for functions with a PCI Express
/// (or PCI-X) capability, and neither list for an unknown header type, matching pciutils' lspci.
/// The walk never throws and never loops: the standard list is cut at
/// 48 entries (as Linux's <c>PCI_FIND_CAP_TTL</c>), the extended list at 480 ((4096-256)/8), and a
/// revisited offset stops it.
/// </summary>
public sealed record CapabilityList(ImmutableArray<CapabilityEntry> Entries, ImmutableArray<string> Warnings)
{
    public const int MaxStandardEntries = 48;
    public const int MaxExtendedEntries = (ConfigSpace.ExtendedSize - ConfigSpace.ConventionalSize) / 8;
    public const int ExtendedListStart = 0x100;

    public int? Find(CapabilityId id)
    {
        foreach (var e in Entries)
            if (e.Is(id)) return e.Offset;
        return null;
    }

    public int? Find(ExtendedCapabilityId id)
    {
        foreach (var e in Entries)
            if (e.Is(id)) return e.Offset;
        return null;
    }

    public static CapabilityList Walk(ReadOnlySpan<byte> config)
    {
        var entries = ImmutableArray.CreateBuilder<CapabilityEntry>();
        var warnings = ImmutableArray.CreateBuilder<string>();
        byte headerType = ConfigBytes.HeaderType(config);
        if (headerType > 2)
        {
            // The Capabilities Pointer's place is defined only for header types 0, 1 and 2 (PCIe Base
            // 6.0 §7.5.1.1.9); lspci likewise walks nothing for an unknown header type.
            warnings.Add($"unknown header type 0x{headerType:x2}; capability lists not walked");
            return new CapabilityList([], warnings.ToImmutable());
        }
        WalkStandard(config, entries, warnings);
        // Extended configuration space exists only for PCI Express functions and PCI-X Mode 2
        // (PCIe Base 6.0 §7.2.2; PCI-X 2.0 §7.2); without either capability bytes 0x100.. mean
        // nothing, as pciutils' ls-caps.c also decides.
        bool extendedSpace = false;
        foreach (var e in entries)
            extendedSpace |= e.Is(CapabilityId.PciExpress) || e.Is(CapabilityId.PciX);
        if (extendedSpace && config.Length > ExtendedListStart)
            WalkExtended(config, entries, warnings);
        return new CapabilityList(entries.ToImmutable(), warnings.ToImmutable());
    }

    private static void WalkStandard(ReadOnlySpan<byte> config, ImmutableArray<CapabilityEntry>.Builder entries, ImmutableArray<string>.Builder warnings)
    {
        if (config.Length < 0x40) return;
        if ((ConfigBytes.U16(config, ConfigHeader.Status) & ConfigHeader.StatusCapabilitiesList) == 0) return;
        // CardBus bridges (header type 2) keep their pointer at 0x14.
        int pointerAt = ConfigBytes.HeaderType(config) == 2 ? 0x14 : ConfigHeader.CapabilitiesPointer;
        int where = config[pointerAt] & ~3;
        Span<bool> seen = stackalloc bool[ConfigSpace.ConventionalSize];
        int count = 0;
        while (where != 0)
        {
            if (where < 0x40)
            {
                warnings.Add($"capability pointer 0x{where:x2} points into the header; standard list cut there");
                return;
            }
            if (where + 2 > config.Length || where > 0xFC)
            {
                warnings.Add($"capability at 0x{where:x2} lies beyond the {config.Length} bytes captured; standard list cut there");
                return;
            }
            if (seen[where])
            {
                warnings.Add($"capability list loops back to 0x{where:x2}; standard list cut there");
                return;
            }
            if (++count > MaxStandardEntries)
            {
                warnings.Add($"more than {MaxStandardEntries} standard capabilities; list cut at 0x{where:x2}");
                return;
            }
            seen[where] = true;
            byte id = config[where];
            if (id == 0xFF)
            {
                warnings.Add($"capability at 0x{where:x2} has ID 0xff (chain broken); standard list cut there");
                return;
            }
            entries.Add(new CapabilityEntry(id, where, Extended: false));
            where = config[where + 1] & ~3;
        }
    }

    private static void WalkExtended(ReadOnlySpan<byte> config, ImmutableArray<CapabilityEntry>.Builder entries, ImmutableArray<string>.Builder warnings)
    {
        int where = ExtendedListStart;
        Span<bool> seen = stackalloc bool[ConfigSpace.ExtendedSize / 4];
        int count = 0;
        while (true)
        {
            if (where + 4 > config.Length)
            {
                warnings.Add($"extended capability at 0x{where:x3} lies beyond the {config.Length} bytes captured; extended list cut there");
                return;
            }
            uint header = ConfigBytes.U32(config, where);
            if (header == 0) return; // no (more) extended capabilities
            if (header == 0xFFFF_FFFF)
            {
                warnings.Add($"extended capability header at 0x{where:x3} reads all ones; extended list cut there");
                return;
            }
            if (seen[where / 4])
            {
                warnings.Add($"extended capability list loops back to 0x{where:x3}; extended list cut there");
                return;
            }
            if (++count > MaxExtendedEntries)
            {
                warnings.Add($"more than {MaxExtendedEntries} extended capabilities; list cut at 0x{where:x3}");
                return;
            }
            seen[where / 4] = true;
            entries.Add(new CapabilityEntry((ushort)header, where, Extended: true, Version: (byte)((header >> 16) & 0xF)));
            int next = (int)(header >> 20) & ~3;
            if (next == 0) return;
            if (next < ExtendedListStart)
            {
                warnings.Add($"extended capability at 0x{where:x3} points to 0x{next:x3}, below 0x100; extended list cut there");
                return;
            }
            where = next;
        }
    }

    /// <summary>Finds one standard capability without building a list (allocation-free).</summary>
    public static int? FindStandard(ReadOnlySpan<byte> config, CapabilityId id)
    {
        if (config.Length < 0x40 || (ConfigBytes.U16(config, ConfigHeader.Status) & ConfigHeader.StatusCapabilitiesList) == 0) return null;
        int where = config[ConfigBytes.HeaderType(config) == 2 ? 0x14 : ConfigHeader.CapabilitiesPointer] & ~3;
        for (int ttl = MaxStandardEntries; ttl > 0 && where >= 0x40 && where + 2 <= config.Length; ttl--)
        {
            byte found = config[where];
            if (found == 0xFF) return null;
            if (found == (byte)id) return where;
            where = config[where + 1] & ~3;
        }
        return null;
    }

    /// <summary>Finds one extended capability without building a list (allocation-free).</summary>
    public static int? FindExtended(ReadOnlySpan<byte> config, ExtendedCapabilityId id)
    {
        int where = ExtendedListStart;
        for (int ttl = MaxExtendedEntries; ttl > 0 && where >= ExtendedListStart && where + 4 <= config.Length; ttl--)
        {
            uint header = ConfigBytes.U32(config, where);
            if (header == 0 || header == 0xFFFF_FFFF) return null;
            if ((ushort)header == (ushort)id) return where;
            where = (int)(header >> 20) & ~3;
        }
        return null;
    }
}
