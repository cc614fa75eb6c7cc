using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>
/// An Arm-server-like IORT: segment 0 behind an SMMUv3 (RIDs 0x0000-0x00FF become StreamIDs
/// 0x1000-0x10FF, then ITS DeviceIDs 0x5000-0x50FF), RIDs 0x0100-0x01FF of segment 0 straight to the
/// ITS (DeviceIDs 0x8000-0x80FF), and segment 1 with a single mapping to DeviceID 0x9000.
/// </summary>
public static class IortSamples
{
    public const int Its = 0, Smmu = 1, RootComplex0 = 2, RootComplex1 = 3;

    public static readonly AcpiTableHeader Header = new("IORT", 0, "BRIDGE", "BKIORT  ", 1, "BKPR", 1);

    public static IortTable ArmServer() => new(Header, 0,
    [
        new IortItsGroup(0, 0, [0u]),
        new IortSmmuV3(1, 1, 0x2B40_0000, 0, 0, 0, 0, 0x100, 0x101, 0x102, 0x103, 0, 0,
        [
            // Index 0: the SMMU's own MSIs (single mapping); never used for devices behind it.
            new IortIdMapping(0, 0, 0x7FFF, Its, IortIdMapping.SingleMappingFlag),
            new IortIdMapping(0x1000, 0xFF, 0x5000, Its),
        ]),
        new IortRootComplex(1, 2, 1, 0, 0, 3, 1, 0, 48, 0,
        [
            new IortIdMapping(0x0000, 0xFF, 0x1000, Smmu),
            new IortIdMapping(0x0100, 0xFF, 0x8000, Its),
        ]),
        new IortRootComplex(1, 3, 1, 0, 0, 3, 0, 1, 48, 0,
        [
            new IortIdMapping(0, 0, 0x9000, Its, IortIdMapping.SingleMappingFlag),
        ]),
    ]);
}
