using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// Programs a guest-owned function's physical MSI capability from the guest's shadow (Xen's
/// <c>vpci_msi_arch_enable</c>/<c>update</c> on a GICv3 ITS). The guest's message address is its own
/// virtual ITS doorbell and never reaches the device; the device is given the host doorbell
/// (GITS_TRANSLATER) and data = EventID base 0, so vector <c>i</c> arrives as (DeviceID, EventID i)
/// (§7.7.1.5: the function ORs the vector number into the low data bits), and the ITS maps that event
/// to the guest's virtual LPI data + i. Multiple Message Enable, the mask bits and MSI Enable are the
/// guest's. Enabling writes address and data before the enable bit; disabling clears the enable first.
/// </summary>
public sealed class PhysicalMsi(GuestDevice device, int offset, ushort physicalControl)
{
    private const uint MultipleMessageEnable = 0x0070;

    // Whether this capability's events are mapped in the ITS: MSI and MSI-X share the DeviceID, and only
    // the one that mapped may unmap (a driver clearing MSI-X Enable must not tear down MSI's events).
    private bool _mapped;

    private bool Wide => (physicalControl & MsiCapability.Is64Bit) != 0;

    private bool Masking => (physicalControl & MsiCapability.PerVectorMasking) != 0;

    private int DataAt => offset + (Wide ? 0x0C : 0x08);

    public int Offset => offset;

    /// <summary>Whether the guest has MSI enabled.</summary>
    public bool Enabled => (GuestControl & MsiCapability.Enable) != 0;

    /// <summary>Vectors the guest enabled (2^MME).</summary>
    public int Vectors => 1 << (int)((GuestControl & MultipleMessageEnable) >> 4);

    private uint GuestControl => device.Shadow.Read(offset + MsiCapability.MessageControl, 2);

    /// <summary>After a guest write: remaps the ITS events and programs the physical registers.</summary>
    public void Apply()
    {
        // A shared (bridge-alias) DeviceID is never unmapped here: other functions' events live under it
        // too; MapLpi overwrites this function's own events, and detaching the function clears them.
        if (_mapped && !device.SharesItsDeviceId) device.Interrupts?.UnmapDevice(device.ItsDeviceId);
        _mapped = false;
        MapEvents();
        ProgramDevice();
    }

    /// <summary>Maps (DeviceID, EventIdBase + i) to the guest's LPI data + i for each enabled vector.</summary>
    internal void MapEvents()
    {
        if (device.Interrupts is not { } interrupts || !Enabled) return;
        uint data = device.Shadow.Read(DataAt, 2);
        for (int e = 0; e < Vectors; e++)
            interrupts.MapLpi(device.ItsDeviceId, device.EventIdBase + (uint)e, device.Domain, data + (uint)e);
        _mapped = true;
    }

    /// <summary>Writes the guest's MSI state to the device again (after a reset cleared it); nothing when the guest has MSI off.</summary>
    public void Restore()
    {
        if (Enabled) Apply();
    }

    private void ProgramDevice()
    {
        uint guest = GuestControl;
        bool enable = (guest & MsiCapability.Enable) != 0;
        ulong doorbell = device.ItsDoorbell;
        device.WithPhysical(p =>
        {
            var f = device.Physical;
            int control = offset + MsiCapability.MessageControl;
            uint current = p.Read(f, control, 2);
            uint next = (current & ~(MultipleMessageEnable | MsiCapability.Enable)) | (guest & MultipleMessageEnable);
            if (!enable || (current & MsiCapability.Enable) != 0)
                p.Write(f, control, 2, next); // off (or still on while reprogrammed): enable bit last
            p.Write(f, offset + MsiCapability.MessageAddress, 4, (uint)doorbell);
            if (Wide) p.Write(f, offset + MsiCapability.MessageAddress + 4, 4, (uint)(doorbell >> 32));
            p.Write(f, DataAt, 2, device.EventIdBase); // the function's first EventID
            if (Masking) p.Write(f, DataAt + 4, 4, device.Shadow.Read(DataAt + 4, 4));
            if (enable) p.Write(f, control, 2, next | MsiCapability.Enable);
        });
    }
}
