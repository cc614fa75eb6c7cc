using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The MSI-X capability a guest sees (PCIe Base 6.0 §7.7.2): Table Size and the Table/PBA offset and
/// BIR registers are the device's (read-only); MSI-X Enable and Function Mask are shadow bits whose
/// every write is followed by <see cref="GuestMsixTable.OnControlWritten"/>, which programs the device.
/// The table and PBA live in BAR space: their pages are trapped (carved out of the guest's BAR mapping)
/// and emulated by <see cref="GuestMsixTable"/>.
/// </summary>
public static class GuestMsixRegisters
{
    private const uint BirMask = 0x7;

    public static GuestMsixTable Register(GuestDevice device, ReadOnlySpan<byte> snapshot, int offset)
    {
        uint table = ConfigBytes.U32(snapshot, offset + MsixCapability.TableOffsetBir);
        uint pba = ConfigBytes.U32(snapshot, offset + MsixCapability.PbaOffsetBir);
        var msix = new GuestMsixTable(device, offset, MsixCapability.TableSize(snapshot, offset),
            (int)(table & BirMask), table & ~BirMask, (int)(pba & BirMask), pba & ~BirMask);
        foreach (var def in MsixCapability.Layout.Registers)
        {
            if (def.Offset == 0) continue; // ID/Next belong to the chain
            uint physical = def.Width == 4 ? ConfigBytes.U32(snapshot, offset + def.Offset) : ConfigBytes.U16(snapshot, offset + def.Offset);
            ShadowRegisters.Add(device.Registers, device.Shadow, def, offset, physical & ~def.Rw,
                def.Offset == MsixCapability.MessageControl ? msix.OnControlWritten : null);
        }
        device.Bars.Trap(msix.TableBar, msix.TableOffset, msix.TableLength);
        device.Bars.Trap(msix.PbaBar, msix.PbaOffset, msix.PbaLength);
        return msix;
    }
}
