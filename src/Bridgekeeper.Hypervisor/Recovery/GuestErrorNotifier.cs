using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Tells an owner of an erring function what happened, in the style chosen for it: option (b) sets
/// shadow AER registers and injects the virtual root port's interrupt; option (a) writes a CPER PCIe
/// section, naming the guest's own (virtual) address for the device, into its virtual GHES block.
/// </summary>
public sealed class GuestErrorNotifier(IShadowAerNotifier shadowAer)
{
    private readonly Dictionary<DomainId, VirtualGhesMailbox> _mailboxes = [];

    public void AddMailbox(VirtualGhesMailbox mailbox) => _mailboxes[mailbox.Domain] = mailbox;

    /// <summary>Returns what was done, for the timeline ("virtual-root-port", "virtual-ghes", "virtual-ghes-refused", "channel").</summary>
    public string Notify(DeviceOwner owner, DeviceErrorLog log)
    {
        switch (owner.Style)
        {
            case GuestNotificationStyle.VirtualRootPort:
                shadowAer.RaiseError(owner.Domain, owner.VirtualDevice, log);
                return "virtual-root-port";
            case GuestNotificationStyle.VirtualGhes when _mailboxes.TryGetValue(owner.Domain, out var mailbox):
                var v = owner.VirtualDevice;
                var block = GhesPcieErrorBlockWriter.Write(new GhesPcieErrorBlockWriter.Request(
                    (ushort)v.Segment, v.Bus, (byte)v.Device, (byte)v.Function, 0, 0, 0, 0,
                    AerRegisterBlob.Registers(log), CperSeverityOf(log.Severity)));
                return mailbox.Deliver(block) ? "virtual-ghes" : "virtual-ghes-refused";
            default:
                return "channel";
        }
    }

    /// <summary>UEFI 2.10 §N.2.1 severities: recoverable, fatal, corrected.</summary>
    public static CperSeverity CperSeverityOf(ErrorSeverity severity) => severity switch
    {
        ErrorSeverity.NonFatal => CperSeverity.Recoverable,
        ErrorSeverity.Fatal => CperSeverity.Fatal,
        _ => CperSeverity.Corrected,
    };
}
