using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// A root port's (or RCEC's) AER interrupt (PCIe Base 6.0 §6.2.4.1.2): an MSI/MSI-X message through
/// the ITS when either is enabled (EventID = Advanced Error Interrupt Message Number, Root Error
/// Status bits 31:27; DeviceID from IORT), otherwise its wired SPI, asserted while an enabled
/// condition is set in Root Error Status and deasserted when software clears it. The wired line is
/// shared with the FRS interrupt (§6.22.3): it is the OR of both enabled conditions.
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
            if (root.WiredInterrupt is uint spi) _gic.SetSpiLevel(spi, (command & enabled) != 0 || FrsConditionPending(root));
            return;
        }
        if ((previousCommand & enabled) != 0 || (command & enabled) == 0) return;
        Notify(root);
    }

    /// <summary>After software writes FRS Queueing Status/Control: a wired line follows the enabled conditions (§6.22.3).</summary>
    public void OnFrsRegistersWritten(SimFunction root)
    {
        if (MessageSignalled(root) || root.WiredInterrupt is not uint spi) return;
        _gic.SetSpiLevel(spi, AerConditionPending(root) || FrsConditionPending(root));
    }

    /// <summary>FRS Message Received or Overflow is set with FRS Interrupt Enable on.</summary>
    internal static bool FrsConditionPending(SimFunction root)
    {
        if (root.FrsCapability == 0) return false;
        var c = root.Config;
        return (c.ReadUInt16(root.FrsCapability + FrsQueueingCapability.Control) & FrsQueueingCapability.InterruptEnable) != 0
            && (c.ReadUInt16(root.FrsCapability + FrsQueueingCapability.Status) & (FrsQueueingCapability.MessageReceived | FrsQueueingCapability.MessageOverflow)) != 0;
    }

    private static bool AerConditionPending(SimFunction root)
    {
        if (root.AerCapability == 0 || !root.HasRootErrorRegisters) return false;
        var c = root.Config;
        return (c.ReadUInt32(root.AerCapability + Aer.RootErrorCommand) & AerEngine.RootCommandBits(c.ReadUInt32(root.AerCapability + Aer.RootErrorStatus))) != 0;
    }

    public static uint ItsDeviceId(SimFunction f) => f.Bus!.HostBridge.DeviceIdBase + f.Address.RequesterId.Value;

    internal static bool MessageSignalled(SimFunction f)
    {
        var c = f.Config;
        if (f.MsixCapability != 0 && (c.ReadUInt16(f.MsixCapability + MsixCapability.MessageControl) & MsixCapability.Enable) != 0) return true;
        return f.MsiCapability != 0 && (c.ReadUInt16(f.MsiCapability + MsiCapability.MessageControl) & MsiCapability.Enable) != 0;
    }
}
