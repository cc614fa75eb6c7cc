using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The MSI capability a guest sees (PCIe Base 6.0 §7.7.1), fully virtual: Message Control's
/// capability bits (Multiple Message Capable, 64-bit, per-vector masking) are the device's, the
/// enables, address, data and mask are shadow registers with the spec's RW bits. When the guest turns
/// MSI on, the device's ITS DeviceID is mapped, one event per enabled vector, to the guest's virtual
/// LPIs (EventID i -> data + i); turning it off unmaps the DeviceID. The physical MSI programming (the
/// host doorbell) stays the hypervisor's.
/// </summary>
public static class GuestMsiRegisters
{
    public static void Register(GuestDevice device, ReadOnlySpan<byte> snapshot, int offset)
    {
        ushort control = ConfigBytes.U16(snapshot, offset + MsiCapability.MessageControl);
        var layout = MsiCapability.Layout(control);
        bool wide = (control & MsiCapability.Is64Bit) != 0;
        int dataAt = offset + (wide ? 0x0C : 0x08);
        foreach (var def in layout.Registers)
        {
            if (def.Offset == 0) continue; // ID/Next belong to the chain
            uint initial = def.Offset == MsiCapability.MessageControl ? control & ~def.Rw : 0u;
            Action? after = def.Offset == MsiCapability.MessageControl ? () => OnControlWritten(device, offset, dataAt) : null;
            ShadowRegisters.Add(device.Registers, device.Shadow, def, offset, initial, after);
        }
    }

    private static void OnControlWritten(GuestDevice device, int offset, int dataAt)
    {
        if (device.Interrupts is null) return;
        uint control = device.Shadow.Read(offset + MsiCapability.MessageControl, 2);
        device.Interrupts.UnmapDevice(device.ItsDeviceId);
        if ((control & MsiCapability.Enable) == 0) return;
        int vectors = 1 << (int)((control >> 4) & 0x7);
        uint data = device.Shadow.Read(dataAt, 2);
        for (int e = 0; e < vectors; e++)
            device.Interrupts.MapLpi(device.ItsDeviceId, (uint)e, device.Domain, data + (uint)e);
    }
}
