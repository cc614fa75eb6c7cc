using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Mcfg;

/// <summary>
/// One Memory Mapped Enhanced Configuration Space base address allocation (PCI Firmware Specification
/// 3.3 §4.1.2 Table 4-3), 16 bytes: the ECAM window of one host bridge's bus range. The base address
/// is that of bus 0 of the segment, even when the range starts higher (Linux pci_mmcfg uses
/// base + (start_bus &lt;&lt; 20) for the first mapped bus).
/// </summary>
public readonly record struct McfgAllocation(ulong BaseAddress, ushort Segment, byte StartBus, byte EndBus, uint Reserved = 0)
{
    // PCI Firmware 3.3 Table 4-3
    private const int BaseAddressOffset = 0;
    private const int SegmentOffset = 8;
    private const int StartBusOffset = 10;
    private const int EndBusOffset = 11;
    private const int ReservedOffset = 12;
    public const int Size = 16;

    /// <summary>Whether this allocation decodes <paramref name="bus"/> of <paramref name="segment"/>.</summary>
    public bool Covers(ushort segment, byte bus) => segment == Segment && bus >= StartBus && bus <= EndBus;

    /// <summary>
    /// ECAM address of a function's config space byte (PCIe Base 6.0 §7.2.2 Table 7-1: bus in bits 27:20,
    /// device 19:15, function 14:12, register 11:0).
    /// </summary>
    public ulong ConfigAddress(byte bus, byte device, byte function, ushort register)
    {
        if (device > 31) throw new ArgumentOutOfRangeException(nameof(device), device, "device number is 0-31");
        if (function > 7) throw new ArgumentOutOfRangeException(nameof(function), function, "function number is 0-7");
        if (register > 0xFFF) throw new ArgumentOutOfRangeException(nameof(register), register, "ECAM register offset is 0-0xFFF");
        return BaseAddress + ((ulong)bus << 20 | (ulong)device << 15 | (ulong)function << 12 | register);
    }

    public static McfgAllocation Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(BaseAddressOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(SegmentOffset)),
        b[StartBusOffset], b[EndBusOffset],
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(ReservedOffset)));

    public void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(BaseAddressOffset), BaseAddress);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SegmentOffset), Segment);
        d[StartBusOffset] = StartBus;
        d[EndBusOffset] = EndBus;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ReservedOffset), Reserved);
    }
}
