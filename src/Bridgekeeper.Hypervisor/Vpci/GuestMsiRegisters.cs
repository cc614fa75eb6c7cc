using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The MSI capability a guest sees (PCIe Base 6.0 §7.7.1), in Xen's vpci/msi.c model: Message Control's
/// capability bits (Multiple Message Capable, 64-bit, per-vector masking) are the device's; the enables,
/// address, data and mask are shadow registers with the spec's RW bits. Every guest write to them is
/// followed by <see cref="PhysicalMsi.Apply"/>, which programs the physical function: the guest's vectors
/// become ITS events of the device (DeviceID from IORT, EventID = vector number) mapped to the guest's
/// virtual LPIs (data + vector), and the device's own MSI registers get the host ITS doorbell, EventID
/// base 0, the guest's Multiple Message Enable, mask bits and enable. Pending Bits are the device's.
/// </summary>
public static class GuestMsiRegisters
{
    public static PhysicalMsi Register(GuestDevice device, ReadOnlySpan<byte> snapshot, int offset)
    {
        ushort control = ConfigBytes.U16(snapshot, offset + MsiCapability.MessageControl);
        var layout = SpecLayouts.MsiFor(control);
        var msi = new PhysicalMsi(device, offset, control);
        foreach (var def in layout.Registers)
        {
            if (def.Offset == 0) continue; // ID/Next belong to the chain
            if (def.Name == "Pending Bits")
            {
                device.Registers.Add(new VirtualRegister(offset + def.Offset, 4, def.Name, device.PhysicalRead, Write: null));
                continue;
            }
            // The guest starts with MSI off and Multiple Message Enable 0 (the state after a reset, §7.7.1.2).
            uint initial = def.Offset == MsiCapability.MessageControl ? control & ~def.Rw : 0u;
            ShadowRegisters.Add(device.Registers, device.Shadow, def, offset, initial, msi.Apply);
        }
        return msi;
    }
}
