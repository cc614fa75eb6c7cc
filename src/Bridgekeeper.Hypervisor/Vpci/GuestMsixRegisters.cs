using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The MSI-X capability a guest sees (PCIe Base 6.0 §7.7.2): Table Size and the Table/PBA offset and
/// BIR registers are the device's (read-only); MSI-X Enable and Function Mask are shadow bits. The
/// table itself lives in BAR space, which this model does not emulate.
/// </summary>
public static class GuestMsixRegisters
{
    public static void Register(GuestDevice device, ReadOnlySpan<byte> snapshot, int offset)
    {
        foreach (var def in MsixCapability.Layout.Registers)
        {
            if (def.Offset == 0) continue; // ID/Next belong to the chain
            uint physical = def.Width == 4 ? ConfigBytes.U32(snapshot, offset + def.Offset) : ConfigBytes.U16(snapshot, offset + def.Offset);
            ShadowRegisters.Add(device.Registers, device.Shadow, def, offset, physical & ~def.Rw);
        }
    }
}
