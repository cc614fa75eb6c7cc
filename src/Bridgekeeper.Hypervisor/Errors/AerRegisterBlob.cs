using System.Buffers.Binary;
using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// The raw AER registers of one log laid out at their capability offsets (PCIe Base 6.0 §7.8.4), as
/// stored in the RAS log and as firmware copies them into a CPER PCIe section (UEFI 2.10 §N.2.7,
/// the 96-byte AER info field). Parsed by raw offsets only, never by overlaying a host structure.
/// </summary>
public static class AerRegisterBlob
{
    /// <summary>The CPER AER info field length (UEFI 2.10 §N.2.7).</summary>
    public const int CperLength = 96;

    public static byte[] Encode(DeviceErrorLog log, uint rootStatus = 0, uint sourceId = 0)
    {
        var blob = new byte[CperLength];
        var s = blob.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.UncorrectableStatus..], log.UncorStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.UncorrectableMask..], log.UncorMask);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.UncorrectableSeverity..], log.UncorSeverity);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.CorrectableStatus..], log.CorStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.CorrectableMask..], log.CorMask);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.CapabilitiesControl..], (uint)log.FirstErrorPointer & AerCapability.FirstErrorPointerMask);
        for (int i = 0; i < 4; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(s[(AerCapability.HeaderLog + 4 * i)..], log.HeaderLog[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.RootErrorStatus..], rootStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(s[AerCapability.ErrorSourceId..], sourceId);
        return blob;
    }

    /// <summary>A log from a firmware copy of the registers (the CPER section's AER info).</summary>
    public static DeviceErrorLog Decode(Sbdf device, ErrorSeverity severity, ReadOnlySpan<byte> blob)
    {
        if (blob.Length < CperLength)
            throw new ArgumentException($"AER info is {blob.Length} bytes, expected {CperLength}", nameof(blob));
        return new DeviceErrorLog(device, severity, true,
            U(blob, AerCapability.UncorrectableStatus), U(blob, AerCapability.UncorrectableMask), U(blob, AerCapability.UncorrectableSeverity),
            U(blob, AerCapability.CorrectableStatus), U(blob, AerCapability.CorrectableMask),
            (int)(U(blob, AerCapability.CapabilitiesControl) & AerCapability.FirstErrorPointerMask),
            [U(blob, AerCapability.HeaderLog), U(blob, AerCapability.HeaderLog + 4), U(blob, AerCapability.HeaderLog + 8), U(blob, AerCapability.HeaderLog + 12)]);
    }

    private static uint U(ReadOnlySpan<byte> blob, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(blob[offset..]);

    public static ImmutableArray<uint> NoHeader { get; } = [0u, 0u, 0u, 0u];
}
