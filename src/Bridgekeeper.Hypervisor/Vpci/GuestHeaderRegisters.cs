using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The Type 0 header a guest sees (PCIe Base 6.0 §7.5.1.1-2; Xen's <c>vpci_init_header</c> for a domU):
/// identity registers are read-only copies of the physical ones; Command is emulated and commits only
/// Memory Space, Bus Master and Interrupt Disable; Status passes through with its RW1C bits and shows
/// Capabilities List only when the filtered chain is not empty; Header Type loses its multi-function
/// bit (the guest sees one function per slot); Interrupt Pin reads 0 (no INTx for Arm guests, §8.2).
/// </summary>
public static class GuestHeaderRegisters
{
    // Status (§7.5.1.1.4): the attributes Xen's guest handler uses (PCI_STATUS_RO_MASK, RW1C, RsvdZ).
    private const uint StatusReadOnly = 0x06B9;
    private const uint StatusRw1c = 0xF900;
    private const uint StatusRsvdZ = 0x0046;

    public static void Register(GuestDevice device, ReadOnlySpan<byte> snapshot, byte capabilitiesPointer)
    {
        var table = device.Registers;
        var shadow = device.Shadow;
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.VendorId, 2, "Vendor ID", ConfigBytes.U16(snapshot, ConfigHeader.VendorId));
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.DeviceId, 2, "Device ID", ConfigBytes.U16(snapshot, ConfigHeader.DeviceId));
        // Decoding starts off for a guest: its firmware/OS places the BARs first (Xen clears MEMORY/MASTER on assignment).
        shadow.Store(ConfigHeader.Command, 2, 0);
        table.Add(new VirtualRegister(ConfigHeader.Command, 2, "Command", table.ShadowRead, device.WriteCommand,
            RsvdP: 0xFFFF & ~(uint)GuestDevice.GuestCommandBits, ReadsShadow: ReferenceEquals(table.Shadow, shadow)));
        bool capabilities = capabilitiesPointer != 0;
        table.Add(new VirtualRegister(ConfigHeader.Status, 2, "Status",
            (_, _) => (device.PhysicalRead(ConfigHeader.Status, 2) & ~(uint)ConfigHeader.StatusCapabilitiesList)
                      | (capabilities ? ConfigHeader.StatusCapabilitiesList : 0u),
            (_, _, v) => device.PhysicalWrite(ConfigHeader.Status, 2, v & StatusRw1c),
            ReadOnly: StatusReadOnly, Rw1c: StatusRw1c, RsvdZ: StatusRsvdZ));
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.RevisionId, 4, "Revision ID and Class Code", ConfigBytes.U32(snapshot, ConfigHeader.RevisionId));
        ShadowRegisters.Add(table, shadow, new RegisterDef(ConfigHeader.CacheLineSize, 1, "Cache Line Size", Rw: 0xFF), 0, snapshot[ConfigHeader.CacheLineSize]);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.LatencyTimer, 1, "Latency Timer", 0);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.HeaderType, 1, "Header Type", ConfigBytes.HeaderType(snapshot));
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.Bist, 1, "BIST", 0);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.CardbusCisPointer, 4, "Cardbus CIS Pointer", 0);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.SubsystemVendorId, 4, "Subsystem Vendor ID and Subsystem ID", ConfigBytes.U32(snapshot, ConfigHeader.SubsystemVendorId));
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.CapabilitiesPointer, 1, "Capabilities Pointer", capabilitiesPointer);
        ShadowRegisters.AddConstant(table, shadow, 0x35, 1, "Reserved 35h", 0);
        ShadowRegisters.AddConstant(table, shadow, 0x36, 2, "Reserved 36h", 0);
        ShadowRegisters.AddConstant(table, shadow, 0x38, 4, "Reserved 38h", 0);
        ShadowRegisters.Add(table, shadow, new RegisterDef(ConfigHeader.InterruptLine, 1, "Interrupt Line", Rw: 0xFF), 0, 0xFF);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.InterruptPin, 1, "Interrupt Pin", 0);
        ShadowRegisters.AddConstant(table, shadow, ConfigHeader.MinGnt, 2, "Min_Gnt and Max_Lat", 0);
    }
}
