using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// Decides whether a hardware-domain config write would break a guest's isolation (the checks Xen
/// lacks: "dom0's SBR writes unchecked", xen-passthrough.md §14). Refused, while any function is
/// assigned to a guest:
/// <list type="bullet">
/// <item>Secondary Bus Reset (Bridge Control bit 6, PCIe Base 6.0 §7.5.1.3.13) or Link Disable (Link
/// Control bit 4, §7.5.3.7) on a bridge whose bus range holds a guest's function;</item>
/// <item>changing the bus numbers (§7.5.1.3.2-4) or memory windows (§7.5.1.3.8-10) of such a bridge, or
/// bus numbers that would newly take in a guest's bus;</item>
/// <item>changing a BAR or the Expansion ROM BAR of a function a guest owns (§7.5.1.2.1), sizing included;</item>
/// <item>changing I/O Space, Memory Space or Bus Master Enable in the Command register of a function a guest
/// owns (§7.5.1.1.3): decode and DMA are the guest's (through its shadow Command);</item>
/// <item>Initiate Function Level Reset on a function a guest owns (Device Control bit 15, §7.5.3.4; AF FLR,
/// Advanced Features Control bit 0), or changing its PowerState (PMCSR bits 1:0, PCI PM 1.2 §3.2.4): both
/// reset or stop the device under the guest;</item>
/// <item>writing the MSI capability or MSI-X Message Control of a function a guest owns (§7.7.1, §7.7.2): the
/// core programs them from the guest's view, and a change would send the guest's interrupts elsewhere;</item>
/// <item>changing the SR-IOV Control, NumVFs or VF BARs of a PF while a guest owns one of its VFs (§9.3.3.3,
/// §9.3.3.7, §9.3.3.14): clearing VF Enable or VF Memory Space Enable, or moving the VF BARs, takes the VF away
/// from under the guest;</item>
/// <item>clearing any ACS Control bit (§7.7.11.3) anywhere: the isolation groups were computed with it set.</item>
/// </list>
/// It reads the physical state through the access it is given, which the caller holds under the config lock.
/// </summary>
public sealed class IsolationWriteGuard(OwnershipTable owners)
{
    private const int BridgeRangeStart = ConfigHeader.PrimaryBus;
    private const int BridgeWindowsEnd = ConfigHeader.IoBaseUpper;

    /// <summary>Why the write must be refused, or null when it may go to hardware.</summary>
    public string? Check(IConfigAccess physical, Sbdf function, int offset, int size, uint value)
    {
        if (!owners.AnyGuestOwned) return null;
        int headerType = (int)physical.Read(function, ConfigHeader.HeaderType, 1) & 0x7F;
        var owner = owners.OwnerOf(function);
        if (owner.IsGuest && headerType == 0
            && (Changes(physical, function, offset, size, value, ConfigHeader.Bar0, ConfigHeader.CardbusCisPointer)
                || Changes(physical, function, offset, size, value, ConfigHeader.ExpansionRomBar, ConfigHeader.ExpansionRomBar + 4)))
            return $"would move a BAR of {function}, which is assigned to {owner}";
        if (owner.IsGuest && GuestFunctionCheck(physical, function, offset, size, value) is { } guestFunction)
            return $"{guestFunction} of {function}, which is assigned to {owner}";
        if (headerType == 1 && BridgeCheck(physical, function, offset, size, value) is { } bridge)
            return bridge;
        if (offset >= CapabilityList.ExtendedListStart && AcsCheck(physical, function, offset, size, value) is { } acs)
            return acs;
        if (offset >= CapabilityList.ExtendedListStart && headerType == 0 && SriovCheck(physical, function, offset, size, value) is { } sriov)
            return sriov;
        return null;
    }

    private string? BridgeCheck(IConfigAccess physical, Sbdf bridge, int offset, int size, uint value)
    {
        int secondary = (int)physical.Read(bridge, ConfigHeader.SecondaryBus, 1);
        int subordinate = (int)physical.Read(bridge, ConfigHeader.SubordinateBus, 1);
        var victim = secondary == 0 ? null : owners.FirstGuestOwnedOnBuses(bridge.Segment, secondary, subordinate);
        if (victim is { } below)
        {
            string owner = owners.OwnerOf(below).ToString();
            if (Covers(offset, size, ConfigHeader.BridgeControl)
                && (NewByte(offset, value, ConfigHeader.BridgeControl) & ConfigHeader.BridgeControlSecondaryBusReset) != 0)
                return $"Secondary Bus Reset on {bridge} would reset {below}, which is assigned to {owner}";
            if (Changes(physical, bridge, offset, size, value, BridgeRangeStart, ConfigHeader.SecondaryLatencyTimer))
                return $"changing the bus numbers of {bridge} would move {below}, which is assigned to {owner}";
            if (Changes(physical, bridge, offset, size, value, ConfigHeader.MemoryBase, BridgeWindowsEnd))
                return $"changing the memory windows of {bridge} would cut off the BARs of {below}, which is assigned to {owner}";
            if (FindStandardLive(physical, bridge, CapabilityId.PciExpress) is int pcie
                && Covers(offset, size, pcie + PciExpressCapability.LinkControl)
                && (NewByte(offset, value, pcie + PciExpressCapability.LinkControl) & 0x10) != 0)
                return $"Link Disable on {bridge} would take down the link to {below}, which is assigned to {owner}";
        }
        if (Changes(physical, bridge, offset, size, value, ConfigHeader.SecondaryBus, ConfigHeader.SecondaryLatencyTimer))
        {
            int newSecondary = Merged(physical, bridge, offset, size, value, ConfigHeader.SecondaryBus);
            int newSubordinate = Merged(physical, bridge, offset, size, value, ConfigHeader.SubordinateBus);
            if (newSecondary != 0 && owners.FirstGuestOwnedOnBuses(bridge.Segment, newSecondary, newSubordinate) is { } taken)
                return $"new bus numbers {newSecondary:x2}-{newSubordinate:x2} on {bridge} would take in {taken}, which is assigned to {owners.OwnerOf(taken)}";
        }
        return null;
    }

    private const uint DecodeAndBusMaster = ConfigHeader.CommandIoSpace | ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster;
    private const int AdvancedFeaturesControl = 0x05;
    private const int AdvancedFeaturesInitiateFlr = 0x01;
    private const int PmControlStatus = 0x04;
    private const int PmPowerStateMask = 0x03;

    /// <summary>What a write would do to a guest's function behind its back, or null.</summary>
    private static string? GuestFunctionCheck(IConfigAccess physical, Sbdf function, int offset, int size, uint value)
    {
        if (Covers(offset, size, ConfigHeader.Command))
        {
            uint current = physical.Read(function, ConfigHeader.Command, 1);
            uint changed = (current ^ (uint)NewByte(offset, value, ConfigHeader.Command)) & DecodeAndBusMaster;
            if (changed != 0) return $"would change decode/Bus Master bits 0x{changed:X} in the Command register";
        }
        if (offset < ConfigSpace.ConventionalSize)
        {
            if (FindStandardLive(physical, function, CapabilityId.PciExpress) is int pcie
                && Covers(offset, size, pcie + PciExpressCapability.DeviceControl + 1)
                && (NewByte(offset, value, pcie + PciExpressCapability.DeviceControl + 1) & (PciExpressCapability.DevCtlInitiateFlr >> 8)) != 0)
                return "would start a Function Level Reset (Device Control bit 15)";
            if (FindStandardLive(physical, function, CapabilityId.AdvancedFeatures) is int af
                && Covers(offset, size, af + AdvancedFeaturesControl)
                && (NewByte(offset, value, af + AdvancedFeaturesControl) & AdvancedFeaturesInitiateFlr) != 0)
                return "would start a Function Level Reset (Advanced Features Initiate FLR)";
            if (FindStandardLive(physical, function, CapabilityId.PowerManagement) is int pm
                && Covers(offset, size, pm + PmControlStatus)
                && ((NewByte(offset, value, pm + PmControlStatus) ^ (int)physical.Read(function, pm + PmControlStatus, 1)) & PmPowerStateMask) != 0)
                return "would change the PowerState (PMCSR bits 1:0)";
            if (FindStandardLive(physical, function, CapabilityId.Msi) is int msi)
            {
                int length = SpecLayouts.MsiFor((ushort)physical.Read(function, msi + MsiCapability.MessageControl, 2)).Length;
                if (Overlaps(offset, size, msi + MsiCapability.MessageControl, msi + length))
                    return "would change the MSI capability (the guest's interrupt routing)";
            }
            if (FindStandardLive(physical, function, CapabilityId.MsiX) is int msix
                && Overlaps(offset, size, msix + MsixCapability.MessageControl, msix + MsixCapability.MessageControl + 2))
                return "would change MSI-X Message Control (the guest's interrupt routing)";
        }
        return null;
    }

    private string? SriovCheck(IConfigAccess physical, Sbdf pf, int offset, int size, uint value)
    {
        if (FindExtendedLive(physical, pf, ExtendedCapabilityId.SingleRootIov) is not int sriov) return null;
        bool control = Overlaps(offset, size, sriov + SriovCapability.Control, sriov + SriovCapability.Control + 2);
        bool numVfs = Overlaps(offset, size, sriov + SriovCapability.NumVfs, sriov + SriovCapability.NumVfs + 2);
        bool bars = Overlaps(offset, size, sriov + SriovCapability.VfBar0, sriov + SriovCapability.VfBar0 + 24);
        if (!control && !numVfs && !bars) return null;
        int first = (int)physical.Read(pf, sriov + SriovCapability.FirstVfOffset, 2);
        int stride = (int)physical.Read(pf, sriov + SriovCapability.VfStride, 2);
        int count = (int)physical.Read(pf, sriov + SriovCapability.NumVfs, 2);
        int rid = pf.Bus << 8 | pf.DevFn;
        for (int k = 0; k < count; k++)
        {
            int vf = rid + first + k * stride;
            if (vf > 0xFFFF) break;
            var address = new Sbdf(pf.Segment, (byte)(vf >> 8), (byte)vf);
            if (owners.OwnerOf(address) is not { IsGuest: true } owner) continue;
            if (numVfs && Changes(physical, pf, offset, size, value, sriov + SriovCapability.NumVfs, sriov + SriovCapability.NumVfs + 2))
                return $"changing NumVFs of {pf} would remove {address}, which is assigned to {owner}";
            if (bars && Changes(physical, pf, offset, size, value, sriov + SriovCapability.VfBar0, sriov + SriovCapability.VfBar0 + 24))
                return $"moving the VF BARs of {pf} would move the BARs of {address}, which is assigned to {owner}";
            if (control && Covers(offset, size, sriov + SriovCapability.Control))
            {
                int cleared = (int)physical.Read(pf, sriov + SriovCapability.Control, 1) & ~NewByte(offset, value, sriov + SriovCapability.Control)
                              & (SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable);
                if (cleared != 0)
                    return $"clearing VF Enable/VF Memory Space Enable (0x{cleared:X}) on {pf} would take {address} from {owner}";
            }
            return null;
        }
        return null;
    }

    private static string? AcsCheck(IConfigAccess physical, Sbdf function, int offset, int size, uint value)
    {
        if (FindExtendedLive(physical, function, ExtendedCapabilityId.AccessControlServices) is not int acs) return null;
        int control = acs + AcsCapability.ControlRegister;
        if (!Overlaps(offset, size, control, control + 2)) return null;
        uint current = physical.Read(function, control, 2);
        uint next = (uint)(Merged(physical, function, offset, size, value, control) | (Merged(physical, function, offset, size, value, control + 1) << 8));
        uint cleared = current & ~next & 0x7F;
        return cleared == 0 ? null : $"would clear ACS control bits 0x{cleared:X2} on {function}; the isolation groups depend on them";
    }

    private static int? FindStandardLive(IConfigAccess physical, Sbdf function, CapabilityId id)
    {
        if ((physical.Read(function, ConfigHeader.Status, 2) & ConfigHeader.StatusCapabilitiesList) == 0) return null;
        int where = (int)physical.Read(function, ConfigHeader.CapabilitiesPointer, 1) & ~3;
        for (int ttl = CapabilityList.MaxStandardEntries; ttl > 0 && where >= 0x40 && where <= 0xFC; ttl--)
        {
            uint header = physical.Read(function, where, 2);
            if ((byte)header == 0xFF) return null;
            if ((byte)header == (byte)id) return where;
            where = (int)(header >> 8) & ~3;
        }
        return null;
    }

    private static int? FindExtendedLive(IConfigAccess physical, Sbdf function, ExtendedCapabilityId id)
    {
        int where = CapabilityList.ExtendedListStart;
        for (int ttl = CapabilityList.MaxExtendedEntries; ttl > 0 && where >= CapabilityList.ExtendedListStart && where <= ConfigSpace.ExtendedSize - 4; ttl--)
        {
            uint header = physical.Read(function, where, 4);
            if (header == 0 || header == 0xFFFF_FFFF) return null;
            if ((ushort)header == (ushort)id) return where;
            where = (int)(header >> 20) & ~3;
        }
        return null;
    }

    private static bool Overlaps(int offset, int size, int from, int to) => offset < to && offset + size > from;

    private static bool Covers(int offset, int size, int at) => at >= offset && at < offset + size;

    private static int NewByte(int offset, uint value, int at) => (int)((value >> ((at - offset) * 8)) & 0xFF);

    /// <summary>The byte at <paramref name="at"/> after the write: the written byte, or the current one.</summary>
    private static int Merged(IConfigAccess physical, Sbdf function, int offset, int size, uint value, int at) =>
        Covers(offset, size, at) ? NewByte(offset, value, at) : (int)physical.Read(function, at, 1);

    /// <summary>Whether the write changes any byte in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static bool Changes(IConfigAccess physical, Sbdf function, int offset, int size, uint value, int from, int to)
    {
        int start = Math.Max(offset, from), end = Math.Min(offset + size, to);
        for (int at = start; at < end; at++)
            if (NewByte(offset, value, at) != (int)physical.Read(function, at, 1)) return true;
        return false;
    }
}
