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

    // CXL Protocol Error Section (UEFI 2.10 App. N.2.13): 116 fixed bytes, then the DVSEC and error log.
    public static readonly FieldLayoutCodec Protocol = new(
        new Guid("80b9efb4-52b5-4de3-a777-68784b771048"), "CXL Protocol Error", "CxlProtocol", 116, null, hasValidationBits: true,
        [
            new PairField("agentType", 0, 8, 1,
                [(0, "CXL 1.1 Device"), (1, "CXL 1.1 Host Downstream Port"), (2, "CXL 2.0 Device"), (3, "CXL 2.0 Logical Device"),
                 (4, "CXL 2.0 Fabric Manager managed Logical Device"), (5, "CXL 2.0 Root Port"), (6, "CXL 2.0 Downstream Switch Port"),
                 (7, "CXL 2.0 Upstream Switch Port")], "Unknown (Reserved)"),
            new CxlAgentAddressField(1),
            new CxlProtocolDeviceIdField(2),
            new UIntField("deviceSerial", 3, 40, 8),
            new Base64Field("capabilityStructure", 4, 48, 60),
            new UIntField("dvsecLength", 5, 108, 2),
            new UIntField("errorLogLength", 6, 110, 2),
        ])
    {
        Tail = new CxlProtocolTail(),
    };
}
