using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bridgekeeper.Pci;

/// <summary>
/// Little-endian field reads over raw config bytes for the typed views. Bytes past the end of a
/// short capture (a 64- or 256-byte dump) read as all ones, as an unimplemented register does on
/// the bus; views report such structures as truncated through the capability walk's warnings.
/// </summary>
public static class ConfigBytes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte U8(ReadOnlySpan<byte> config, int offset) =>
        (uint)offset < (uint)config.Length ? config[offset] : (byte)0xFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort U16(ReadOnlySpan<byte> config, int offset) =>
        offset >= 0 && offset <= config.Length - 2 ? BinaryPrimitives.ReadUInt16LittleEndian(config.Slice(offset)) : (ushort)0xFFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint U32(ReadOnlySpan<byte> config, int offset) =>
        offset >= 0 && offset <= config.Length - 4 ? BinaryPrimitives.ReadUInt32LittleEndian(config.Slice(offset)) : 0xFFFF_FFFFu;

    public static ushort VendorId(ReadOnlySpan<byte> config) => U16(config, ConfigHeader.VendorId);

    public static ushort DeviceId(ReadOnlySpan<byte> config) => U16(config, ConfigHeader.DeviceId);

    /// <summary>The 24-bit class code (base class, sub-class, programming interface).</summary>
    public static uint ClassCode(ReadOnlySpan<byte> config) => U32(config, 0x08) >> 8;

    /// <summary>Header type without the multifunction bit.</summary>
    public static byte HeaderType(ReadOnlySpan<byte> config) => (byte)(U8(config, ConfigHeader.HeaderType) & 0x7F);

    public static bool IsMultiFunction(ReadOnlySpan<byte> config) => (U8(config, ConfigHeader.HeaderType) & ConfigHeader.MultiFunctionBit) != 0;

    /// <summary>A function is present when its Vendor ID reads something other than all ones (or zero).</summary>
    public static bool IsPresent(ReadOnlySpan<byte> config)
    {
        ushort v = VendorId(config);
        return v != 0xFFFF && v != 0x0000;
    }
}
