using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>Reads back a status block the way a guest kernel would (the Firmware library's reader).</summary>
public static class GuestRecords
{
    public static DeviceErrorLog Single(byte[] record)
    {
        var block = GenericErrorStatusBlock.Read(record, "guest block");
        var r = FirmwareAerReport.From(Assert.Single(block.Entries), "guest block")!.Value;
        return AerRegisterBlob.FromBlock(new Sbdf(r.Segment, r.Bus, r.Device, r.Function), AerRegisterBlob.ToErrorSeverity(r.Severity), r.Aer);
    }
}
