using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Finds a capability by walking the lists through physical config reads (PCI Local Bus 3.0 §6.7 for
/// the standard list, PCIe Base 6.0 §7.6 for the extended list). Used once per function when error
/// handling or recovery first meets it; the walk is bounded like <see cref="CapabilityList"/>.
/// </summary>
public static class ConfigCapabilityFinder
{
    public static int? FindStandard(IConfigAccess config, Sbdf function, CapabilityId id)
    {
        if ((config.Read(function, ConfigHeader.Status, 2) & ConfigHeader.StatusCapabilitiesList) == 0) return null;
        int where = (int)config.Read(function, ConfigHeader.CapabilitiesPointer, 1) & ~3;
        for (int ttl = 0; where >= 0x40 && where <= 0xFC && ttl < CapabilityList.MaxStandardEntries; ttl++)
        {
            uint header = config.Read(function, where, 2);
            if ((header & 0xFF) == (uint)id) return where;
            where = (int)(header >> 8) & ~3;
        }
        return null;
    }

    public static int? FindExtended(IConfigAccess config, Sbdf function, ExtendedCapabilityId id)
    {
        int where = CapabilityList.ExtendedListStart;
        for (int ttl = 0; where >= CapabilityList.ExtendedListStart && ttl < CapabilityList.MaxExtendedEntries; ttl++)
        {
            uint header = config.Read(function, where, 4);
            if (header == 0 || header == 0xFFFF_FFFF) return null;
            if ((header & 0xFFFF) == (uint)id) return where;
            where = (int)(header >> 20) & ~3;
        }
        return null;
    }
}
