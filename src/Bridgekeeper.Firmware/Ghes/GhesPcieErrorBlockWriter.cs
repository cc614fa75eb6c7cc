using Bridgekeeper.Firmware.Cper;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// Builds what a platform firmware writes into a GHES error status block after it takes an AER error
/// (firmware-first): one revision 0x300 data entry holding a CPER PCIe section made from the raw AER
/// registers of the function, with Port Type, Device ID and AER Info valid (the bits Linux needs).
/// </summary>
public static class GhesPcieErrorBlockWriter
{
    public readonly record struct Request(
        ushort Segment, byte Bus, byte Device, byte Function,
        ushort VendorId, ushort DeviceId, uint ClassCode, uint PortType,
        AerRegisters Aer, CperSeverity Severity, byte Flags = (byte)CperSectionDescriptor.Primary,
        CperTimestamp Timestamp = default, ushort Command = 0, ushort Status = 0, PcieCapabilityBlock? Capability = null);

    public static GenericErrorStatusBlock Build(in Request r)
    {
        ulong valid = PcieErrorSection.PortTypeValid | PcieErrorSection.DeviceIdValid | PcieErrorSection.AerInfoValid
            | PcieErrorSection.CommandStatusValid;
        if (r.Capability is not null) valid |= PcieErrorSection.CapabilityValid;
        var section = new PcieErrorSection
        {
            ValidationBits = valid,
            PortType = r.PortType,
            Command = r.Command,
            Status = r.Status,
            VendorId = r.VendorId,
            DeviceId = r.DeviceId,
            // UEFI App. N Table N-31: class code bytes as in config space (byte 0 = programming interface).
            ClassCodeBytes = r.ClassCode & 0xFFFFFF,
            Function = r.Function,
            Device = r.Device,
            Segment = r.Segment,
            PrimaryOrDeviceBus = r.Bus,
            Capability = r.Capability ?? default,
            Aer = AerRegisterBlock.FromRegisters(r.Aer),
        };
        var entry = new GenericErrorDataEntry
        {
            SectionType = PcieErrorSection.TypeGuid,
            ErrorSeverity = (uint)r.Severity,
            Revision = 0x0300,
            ValidationBits = r.Timestamp.Raw != 0 ? GenericErrorDataEntry.TimestampValid : (byte)0,
            Flags = r.Flags,
            Timestamp = r.Timestamp,
            Payload = section.ToBytes(),
        };
        return GenericErrorStatusBlock.Create((uint)r.Severity, [entry]);
    }

    public static byte[] Write(in Request r) => Build(r).Write();
}
