using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// A root port's (or RCEC's) AER interrupt (PCIe Base 6.0 §6.2.4.1.2): an MSI/MSI-X message through
/// the ITS when either is enabled (EventID = Advanced Error Interrupt Message Number, Root Error
/// Status bits 31:27; DeviceID from IORT), otherwise its wired SPI, asserted while an enabled
/// condition is set in Root Error Status and deasserted when software clears it.
/// </summary>
internal sealed class RootPortInterrupts
{
    private readonly SimGic _gic;

    public RootPortInterrupts(SimGic gic) => _gic = gic;

    public void Notify(SimFunction root)
    {
        if (MessageSignalled(root))
        {
            uint vector = root.Config.ReadUInt32(root.AerCapability + Aer.RootErrorStatus) >> 27;
            _gic.SignalLpi(ItsDeviceId(root), vector);
        }
        else if (root.WiredInterrupt is uint spi)
        {
            _gic.SetSpiLevel(spi, true);
        }
    }

    /// <summary>After software writes Root Error Command or Status: the wired line follows the enabled conditions; MSI fires on a new enable.</summary>
    public void OnRootRegistersWritten(SimFunction root, uint previousCommand)
    {
        var c = root.Config;
        uint enabled = AerEngine.RootCommandBits(c.ReadUInt32(root.AerCapability + Aer.RootErrorStatus));
        uint command = c.ReadUInt32(root.AerCapability + Aer.RootErrorCommand);
        if (!MessageSignalled(root))
        {
            if (root.WiredInterrupt is uint spi) _gic.SetSpiLevel(spi, (command & enabled) != 0);
            return;
        }
        if ((previousCommand & enabled) != 0 || (command & enabled) == 0) return;
        Notify(root);
    }

    public static uint ItsDeviceId(SimFunction f) => f.Bus!.HostBridge.DeviceIdBase + f.Address.RequesterId.Value;

    internal static bool MessageSignalled(SimFunction f)
    {
        var c = f.Config;
        if (f.MsixCapability != 0 && (c.ReadUInt16(f.MsixCapability + MsixCapability.MessageControl) & MsixCapability.Enable) != 0) return true;
        return f.MsiCapability != 0 && (c.ReadUInt16(f.MsiCapability + MsiCapability.MessageControl) & MsiCapability.Enable) != 0;
    }
}
