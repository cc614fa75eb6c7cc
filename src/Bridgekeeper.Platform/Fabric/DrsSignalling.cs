using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Device Readiness Status (PCIe Base 6.0 §6.22.1): after a conventional reset, a component whose
/// Upstream Port advertises DRS Supported (Link Capabilities 2 bit 31, §7.5.3.18) sends a DRS
/// Message once it is Configuration-Ready. A Downstream Port that also supports DRS records it in
/// Link Status 2 DRS Message Received (bit 15, RW1C, §7.5.3.20) and acts on DRS Signaling Control
/// (Link Control bits 15:14, §7.5.3.7): 01b raises an MSI/MSI-X (vector = the PCI Express
/// Capabilities Interrupt Message Number, bits 13:9, §7.5.3.2) on the bit's 0→1 transition, when
/// either is enabled; 10b makes the port send an FRS Message with reason DRS Message Received
/// (§6.22.2, when the port supports FRS; <see cref="FrsSignalling"/>); 00b only sets the bit.
/// </summary>
internal sealed class DrsSignalling(SimGic gic)
{
    private const int SignalingControlShift = 14;
    private const int DrsInterruptEnabled = 0b01;
    private const int DrsToFrs = 0b10;

    /// <summary>Sends the FRS Message of DRS Signaling Control 10b (set by the machine).</summary>
    public FrsSignalling? Frs { get; set; }

    /// <summary>Every DRS Message a port received (for tests and the timeline).</summary>
    public List<(Hardware.SimTime Time, SimFunction Port)> Received { get; } = [];

    /// <summary>Whether a port or device advertises DRS Supported.</summary>
    public static bool Supports(SimFunction f) =>
        f.IsPcie && (f.Config.ReadUInt32(f.PcieCapability + Pcie.LinkCapabilities2) & Pcie.LinkCap2DrsSupported) != 0;

    /// <summary>Whether the component below a downstream port sends a DRS Message (its function 0 supports DRS).</summary>
    public static bool SentFrom(SimBus below) => below.At(0) is { Removed: false } f && Supports(f);

    /// <summary>A DRS Message reached <paramref name="port"/> at <paramref name="now"/>.</summary>
    public void OnMessage(SimFunction port, Hardware.SimTime now)
    {
        Received.Add((now, port));
        var c = port.Config;
        int status = port.PcieCapability + Pcie.LinkStatus2;
        bool rising = (c.ReadUInt16(status) & Pcie.LinkSta2DrsMessageReceived) == 0;
        c.SetBits(status, 2, Pcie.LinkSta2DrsMessageReceived);
        int control = c.ReadUInt16(port.PcieCapability + Pcie.LinkControl) >> SignalingControlShift & 0b11;
        if (control == DrsToFrs) { Frs?.Send(port, FrsReason.DrsMessageReceived); return; }
        if (!rising || control != DrsInterruptEnabled || !RootPortInterrupts.MessageSignalled(port)) return;
        uint vector = (uint)(c.ReadUInt16(port.PcieCapability + Pcie.Capabilities) >> 9 & 0x1F);
        gic.SignalLpi(RootPortInterrupts.ItsDeviceId(port), vector);
    }
}
