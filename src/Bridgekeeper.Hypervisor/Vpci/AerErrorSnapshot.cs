using System.Buffers.Binary;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The AER register values that describe one error, as the hypervisor learned them: read from the
/// physical AER capability (OS-native handling) or taken from a CPER PCIe Error section's AER Info
/// block (firmware-first; UEFI 2.10 §N.2.7: the block is a copy of the AER extended capability, so
/// offsets are the capability's, PCIe Base 6.0 §7.8.4). These values are copied into a guest's shadow
/// registers; the physical registers are never exposed.
/// </summary>
public readonly record struct AerErrorSnapshot(
    uint UncorrectableStatus,
    uint UncorrectableSeverity,
    uint CorrectableStatus,
    int FirstErrorPointer,
    uint HeaderLog0,
    uint HeaderLog1,
    uint HeaderLog2,
    uint HeaderLog3)
{
    /// <summary>The size of the CPER AER Info field (UEFI 2.10 Table N-22, offset 56, 96 bytes).</summary>
    public const int CperAerInfoLength = 96;

    /// <summary>Reads the error registers of the physical AER capability at <paramref name="aerOffset"/>.</summary>
    public static AerErrorSnapshot ReadPhysical(IConfigAccess config, Sbdf function, int aerOffset) => new(
        config.Read(function, aerOffset + AerCapability.UncorrectableStatus, 4),
        config.Read(function, aerOffset + AerCapability.UncorrectableSeverity, 4),
        config.Read(function, aerOffset + AerCapability.CorrectableStatus, 4),
        (int)(config.Read(function, aerOffset + AerCapability.CapabilitiesControl, 4) & AerCapability.FirstErrorPointerMask),
        config.Read(function, aerOffset + AerCapability.HeaderLog, 4),
        config.Read(function, aerOffset + AerCapability.HeaderLog + 4, 4),
        config.Read(function, aerOffset + AerCapability.HeaderLog + 8, 4),
        config.Read(function, aerOffset + AerCapability.HeaderLog + 12, 4));

    /// <summary>
    /// Takes the registers from a CPER AER Info block (at least the 0x2C bytes through the Header Log).
    /// A shorter block is bad input from firmware and throws <see cref="InputFormatException"/>.
    /// </summary>
    public static AerErrorSnapshot FromCperAerInfo(ReadOnlySpan<byte> aerInfo, string source)
    {
        if (aerInfo.Length < AerCapability.EndpointLength)
            throw new AerInfoFormatException(source, 0, "AER Info", $"at least {AerCapability.EndpointLength} bytes", $"{aerInfo.Length} bytes");
        return new(
            U32(aerInfo, AerCapability.UncorrectableStatus),
            U32(aerInfo, AerCapability.UncorrectableSeverity),
            U32(aerInfo, AerCapability.CorrectableStatus),
            (int)(U32(aerInfo, AerCapability.CapabilitiesControl) & AerCapability.FirstErrorPointerMask),
            U32(aerInfo, AerCapability.HeaderLog), U32(aerInfo, AerCapability.HeaderLog + 4),
            U32(aerInfo, AerCapability.HeaderLog + 8), U32(aerInfo, AerCapability.HeaderLog + 12));
    }

    private static uint U32(ReadOnlySpan<byte> block, int at) => BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(at));
}
