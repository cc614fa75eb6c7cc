using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Device Readiness Status (PCIe Base 6.0 §6.22.1): after a conventional reset the component below a
/// Downstream Port sends a DRS Message once every non-VF function is Configuration-Ready; a port that
/// supports DRS records it in Link Status 2 DRS Message Received (bit 15, RW1C, §7.5.3.20) whatever
/// DRS Signaling Control says (00b still sets the bit, §7.5.3.7). Both ends advertise it in Link
/// Capabilities 2 DRS Supported (bit 31, §7.5.3.18). When both do, software may send configuration
/// requests as soon as the message is in instead of waiting out the 100 ms of §6.6.1; the spec
/// recommends keeping the timeout procedure running alongside, which recovery does.
/// </summary>
public static class DeviceReadinessStatus
{
    /// <summary>Whether <paramref name="port"/> and the function 0 below it both support DRS.</summary>
    public static bool Usable(IConfigAccess config, CapabilityCache caps, Sbdf port)
    {
        if (caps.Of(port).PciExpress is not int p || !Supports(config, port, p)) return false;
        byte secondary = (byte)config.Read(port, ConfigHeader.SecondaryBus, 1);
        var below = new Sbdf(port.Segment, secondary, 0, 0);
        if ((config.Read(below, ConfigHeader.VendorId, 2) & 0xFFFF) is 0xFFFF or 0x0001) return false;
        return caps.Of(below).PciExpress is int d && Supports(config, below, d);
    }

    /// <summary>Clears a stale DRS Message Received (RW1C) so that the bit afterwards speaks of this reset only.</summary>
    public static void Clear(IConfigAccess config, Sbdf port, int pcie) =>
        config.Write(port, pcie + PciExpressCapability.LinkStatus2, 2, PciExpressCapability.LinkSta2DrsMessageReceived);

    public static bool Received(IConfigAccess config, Sbdf port, int pcie) =>
        (config.Read(port, pcie + PciExpressCapability.LinkStatus2, 2) & PciExpressCapability.LinkSta2DrsMessageReceived) != 0;

    private static bool Supports(IConfigAccess config, Sbdf function, int pcie) =>
        (config.Read(function, pcie + PciExpressCapability.LinkCapabilities2, 4) & PciExpressCapability.LinkCap2DrsSupported) != 0;
}
