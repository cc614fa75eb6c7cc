namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>The CXL error sections (UEFI 2.10 App. N.2.13-N.2.14) as field tables, with libcper's keys and names.</summary>
public static class CxlSectionCodecs
{
    // CXL Component Events (UEFI 2.10 App. N.2.14): length, validation bits, device ID, serial, then
    // the component event log up to Length.
    public static readonly FieldLayoutCodec GeneralMediaComponent = new(
        new Guid("fbcd0a77-c260-417f-85a9-088b1621eba6"), "CXL General Media Component Error", "CxlComponent", 32, null, hasValidationBits: true,
        [
            new UIntField("length", -1, 0, 4),
            new CxlDeviceIdField(0, 12),
            new UIntField("deviceSerial", 1, 24, 8),
        ])
    {
        ValidationOffset = 4,
        Tail = new ObjectWrappedTail(new RawBytesTail("cxlComponentEventLog", 2, LengthOffset: 0), "data"),
    };
}
