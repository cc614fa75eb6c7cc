using System.Collections.Immutable;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// A log as the raw AER registers at their capability offsets (PCIe Base 6.0 §7.8.4), the 96-byte
/// layout firmware copies into a CPER PCIe section (UEFI 2.10 §N.2.7): what the RAS log stores for a
/// native error, and what a firmware-first record or a guest's virtual GHES record carries. The
/// bytes are the Firmware library's <see cref="AerRegisterBlock"/>; this maps them to and from
/// <see cref="DeviceErrorLog"/>.
/// </summary>
public static class AerRegisterBlob
{
    public const int CperLength = AerRegisterBlock.Size;

    public static ImmutableArray<uint> NoHeader { get; } = [0u, 0u, 0u, 0u];

    public static AerRegisters Registers(DeviceErrorLog log, uint rootStatus = 0, uint sourceId = 0) => new(
        CapabilityHeader: 0x0001 | (2u << 16),
        UncorrectableStatus: log.UncorStatus, UncorrectableMask: log.UncorMask, UncorrectableSeverity: log.UncorSeverity,
        CorrectableStatus: log.CorStatus, CorrectableMask: log.CorMask,
        CapabilitiesAndControl: (uint)log.FirstErrorPointer & AerCapability.FirstErrorPointerMask,
        HeaderLog0: log.HeaderLog[0], HeaderLog1: log.HeaderLog[1], HeaderLog2: log.HeaderLog[2], HeaderLog3: log.HeaderLog[3],
        RootErrorStatus: rootStatus, CorrectableSourceId: (ushort)sourceId, UncorrectableSourceId: (ushort)(sourceId >> 16));

    public static byte[] Encode(DeviceErrorLog log, uint rootStatus = 0, uint sourceId = 0) =>
        AerRegisterBlock.FromRegisters(Registers(log, rootStatus, sourceId)).AsSpan().ToArray();

    public static DeviceErrorLog Decode(Sbdf device, ErrorSeverity severity, ReadOnlySpan<byte> blob) => FromBlock(device, severity, AerRegisterBlock.From(blob));

    public static DeviceErrorLog FromBlock(Sbdf device, ErrorSeverity severity, in AerRegisterBlock b) =>
        new(device, severity, true, b.UncorrectableStatus, b.UncorrectableMask, b.UncorrectableSeverity,
            b.CorrectableStatus, b.CorrectableMask, b.FirstErrorPointer, [b.HeaderLog(0), b.HeaderLog(1), b.HeaderLog(2), b.HeaderLog(3)]);

    /// <summary>Linux's AER_* severities (Firmware's <see cref="AerSeverity"/>) as the PCIe error classes.</summary>
    public static ErrorSeverity ToErrorSeverity(AerSeverity s) => s switch
    {
        AerSeverity.Correctable => ErrorSeverity.Correctable,
        AerSeverity.NonFatal => ErrorSeverity.NonFatal,
        _ => ErrorSeverity.Fatal,
    };
}
