using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi;

/// <summary>
/// Generic Address Structure (ACPI 6.5 §5.2.3.2): where a register lives and how to access it.
/// HEST uses it for the GHES Error Status Address and the GHESv2 Read Ack Register.
/// </summary>
public readonly record struct GenericAddress(
    AddressSpace SpaceId,
    byte BitWidth,
    byte BitOffset,
    AccessSize AccessSize,
    ulong Address)
{
    // ACPI 6.5 §5.2.3.2 Table 5.1
    private const int SpaceIdOffset = 0;
    private const int BitWidthOffset = 1;
    private const int BitOffsetOffset = 2;
    private const int AccessSizeOffset = 3;
    private const int AddressOffset = 4;
    public const int Size = 12;

    /// <summary>A 64-bit system memory register at <paramref name="address"/>, as firmware describes GHES blocks.</summary>
    public static GenericAddress SystemMemory64(ulong address) =>
        new(AddressSpace.SystemMemory, 64, 0, AccessSize.QWord, address);

    public static GenericAddress Read(ref FirmwareReader reader, string field)
    {
        var b = reader.ReadBytes(Size, field);
        return new GenericAddress(
            (AddressSpace)b[SpaceIdOffset], b[BitWidthOffset], b[BitOffsetOffset], (AccessSize)b[AccessSizeOffset],
            BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(AddressOffset)));
    }

    public void Write(Span<byte> destination)
    {
        destination[SpaceIdOffset] = (byte)SpaceId;
        destination[BitWidthOffset] = BitWidth;
        destination[BitOffsetOffset] = BitOffset;
        destination[AccessSizeOffset] = (byte)AccessSize;
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(AddressOffset, 8), Address);
    }
}
