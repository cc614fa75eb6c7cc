using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The PCI Express capability a guest sees (PCIe Base 6.0 §7.5.3). Device Control is the only register
/// the guest may write, and only its safe bits: the four error-reporting enables go to a shadow (they
/// gate the guest's virtual error messages; the physical enables belong to the hypervisor's error
/// handling), while Relaxed Ordering, No Snoop and Max Read Request Size reach the device, since they
/// affect only its own requests. Max Payload Size, Extended Tag, Phantom Functions, Aux Power and
/// Initiate FLR stay read-only. Device Status error bits are a shadow the virtual AER sets and the
/// guest clears. Device Capabilities hides FLR and phantom-function support. Link, slot and root
/// registers, and the "2" registers, are read-only views of the device.
/// </summary>
public static class GuestPciExpressRegisters
{
    /// <summary>Whether a row is one of the read-only physical views (not Device Capabilities, Control or Status).</summary>
    private static bool IsPhysicalView(in RegisterDef def, int expectedOffset, int length) =>
        def.Offset == expectedOffset && def.Width == 2 && def.Offset + def.Width <= length
        && def.Offset is not (PciExpressCapability.DeviceCapabilities or PciExpressCapability.DeviceControl or PciExpressCapability.DeviceStatus);

    public const ushort ShadowReportingBits = 0x000F;
    public const ushort DevicePassBits = 0x0010 | 0x0800 | 0x7000;
    public const ushort SafeDeviceControlBits = ShadowReportingBits | DevicePassBits;
    private const uint HiddenDeviceCapabilities = PciExpressCapability.DevCapFlrCapable | 0x18;

    public static void Register(GuestDevice device, ReadOnlySpan<byte> snapshot, int offset)
    {
        var view = new PciExpressCapability.View(snapshot, offset);
        int length = view.Version >= 2 ? PciExpressCapability.Version2Length : PciExpressCapability.SlotCapabilities;
        var layout = SpecLayouts.PciExpressAt(snapshot, offset);
        var registers = layout.Registers;
        for (int i = 0; i < registers.Length; i++)
        {
            var def = registers[i];
            if (def.Offset == 0 || def.Offset + def.Width > length) continue; // ID/Next belong to the chain
            int at = offset + def.Offset;
            switch (def.Offset)
            {
                case PciExpressCapability.DeviceCapabilities:
                    ShadowRegisters.AddConstant(device.Registers, device.Shadow, at, 4, def.Name, view.DevCap & ~HiddenDeviceCapabilities);
                    break;
                case PciExpressCapability.DeviceControl:
                    device.Shadow.Store(at, 2, 0);
                    device.Registers.Add(new VirtualRegister(at, 2, def.Name,
                        (_, _) => (device.PhysicalRead(at, 2) & ~(uint)ShadowReportingBits) | (device.Shadow.Read(at, 2) & ShadowReportingBits),
                        (_, _, v) =>
                        {
                            device.Shadow.Store(at, 2, v & ShadowReportingBits);
                            uint physical = device.PhysicalRead(at, 2);
                            device.PhysicalWrite(at, 2, (physical & ~(uint)DevicePassBits) | (v & DevicePassBits));
                        },
                        ReadOnly: 0xFFFF & ~(uint)SafeDeviceControlBits));
                    break;
                case PciExpressCapability.DeviceStatus:
                    device.Shadow.Store(at, 2, 0);
                    device.Registers.Add(new VirtualRegister(at, 2, def.Name,
                        (_, _) => (device.Shadow.Read(at, 2) & 0x000F) | (device.PhysicalRead(at, 2) & 0x0030),
                        (_, _, v) => device.Shadow.Store(at, 2, device.Shadow.Read(at, 2) & ~(v & 0x000F)),
                        ReadOnly: 0x0070, Rw1c: 0x000F, RsvdZ: 0xFF80));
                    break;
                default:
                    // Link, slot, root and the "2" registers: the guest reads the device, writes nothing. Two
                    // such 16-bit registers in one dword (Link Control and Status, ...) are one registration,
                    // so a guest's dword read costs one physical read, not two.
                    if (def.Width == 2 && (at & 3) == 0 && i + 1 < registers.Length && IsPhysicalView(registers[i + 1], def.Offset + 2, length))
                    {
                        device.Registers.Add(new VirtualRegister(at, 4, $"{def.Name} and {registers[i + 1].Name}", device.PhysicalRead, Write: null));
                        i++;
                        break;
                    }
                    device.Registers.Add(new VirtualRegister(at, def.Width, def.Name, device.PhysicalRead, Write: null));
                    break;
            }
        }
    }
}
