using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 96-byte AER block of a CPER PCIe section (UEFI 2.10 App. N.2.7, "AER Info"): a raw copy of the
/// AER Extended Capability at offsets 0x00-0x5F (PCIe Base 6.0 §7.8.4). It is read by raw register
/// offsets, never by overlaying a host structure: Linux's <c>struct aer_capability_regs</c> no longer
/// matches this layout past the first four Header Log DWs (see apei-hest-ghes-cper.md §9).
/// </summary>
public readonly struct AerRegisterBlock : IEquatable<AerRegisterBlock>
{
    public const int Size = 96;

    // PCIe Base 6.0 §7.8.4, offsets inside the AER capability (= offsets inside the blob).
    public const int CapabilityHeaderOffset = 0x00, UncorrectableStatusOffset = 0x04, UncorrectableMaskOffset = 0x08,
        UncorrectableSeverityOffset = 0x0C, CorrectableStatusOffset = 0x10, CorrectableMaskOffset = 0x14,
        CapabilitiesControlOffset = 0x18, HeaderLogOffset = 0x1C, RootErrorCommandOffset = 0x2C,
        RootErrorStatusOffset = 0x30, CorrectableSourceIdOffset = 0x34, UncorrectableSourceIdOffset = 0x36,
        TlpPrefixLogOffset = 0x38;

    [InlineArray(Size)]
    private struct Bytes
    {
        private byte _first;
    }

    private readonly Bytes _bytes;

    private AerRegisterBlock(ReadOnlySpan<byte> source) => source[..Size].CopyTo(_bytes);

    public static AerRegisterBlock From(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new ArgumentException($"an AER block is {Size} bytes", nameof(source));
        return new AerRegisterBlock(source);
    }

    /// <summary>Builds the block from register values, as firmware copies them from the device.</summary>
    public static AerRegisterBlock FromRegisters(in AerRegisters r)
    {
        Span<byte> b = stackalloc byte[Size];
        b.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(b[CapabilityHeaderOffset..], r.CapabilityHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(b[UncorrectableStatusOffset..], r.UncorrectableStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(b[UncorrectableMaskOffset..], r.UncorrectableMask);
        BinaryPrimitives.WriteUInt32LittleEndian(b[UncorrectableSeverityOffset..], r.UncorrectableSeverity);
        BinaryPrimitives.WriteUInt32LittleEndian(b[CorrectableStatusOffset..], r.CorrectableStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(b[CorrectableMaskOffset..], r.CorrectableMask);
        BinaryPrimitives.WriteUInt32LittleEndian(b[CapabilitiesControlOffset..], r.CapabilitiesAndControl);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(HeaderLogOffset + 0)..], r.HeaderLog0);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(HeaderLogOffset + 4)..], r.HeaderLog1);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(HeaderLogOffset + 8)..], r.HeaderLog2);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(HeaderLogOffset + 12)..], r.HeaderLog3);
        BinaryPrimitives.WriteUInt32LittleEndian(b[RootErrorCommandOffset..], r.RootErrorCommand);
        BinaryPrimitives.WriteUInt32LittleEndian(b[RootErrorStatusOffset..], r.RootErrorStatus);
        BinaryPrimitives.WriteUInt16LittleEndian(b[CorrectableSourceIdOffset..], r.CorrectableSourceId);
        BinaryPrimitives.WriteUInt16LittleEndian(b[UncorrectableSourceIdOffset..], r.UncorrectableSourceId);
        return new AerRegisterBlock(b);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(AsSpan()[offset..]);

    public uint CapabilityHeader => U32(CapabilityHeaderOffset);
    public uint UncorrectableStatus => U32(UncorrectableStatusOffset);
    public uint UncorrectableMask => U32(UncorrectableMaskOffset);
    public uint UncorrectableSeverity => U32(UncorrectableSeverityOffset);
    public uint CorrectableStatus => U32(CorrectableStatusOffset);
    public uint CorrectableMask => U32(CorrectableMaskOffset);
    public uint CapabilitiesAndControl => U32(CapabilitiesControlOffset);
    /// <summary>Header Log DW <paramref name="index"/> (0..3).</summary>
    public uint HeaderLog(int index) => U32(HeaderLogOffset + 4 * (int)Math.Min((uint)index, 3u));
    public uint RootErrorCommand => U32(RootErrorCommandOffset);
    public uint RootErrorStatus => U32(RootErrorStatusOffset);
    public ushort CorrectableSourceId => BinaryPrimitives.ReadUInt16LittleEndian(AsSpan()[CorrectableSourceIdOffset..]);
    public ushort UncorrectableSourceId => BinaryPrimitives.ReadUInt16LittleEndian(AsSpan()[UncorrectableSourceIdOffset..]);
    /// <summary>First Error Pointer, AER Capabilities and Control bits 4:0 (PCIe Base 6.0 §7.8.4.7).</summary>
    public int FirstErrorPointer => (int)(CapabilitiesAndControl & 0x1F);

    public bool Equals(AerRegisterBlock other) => AsSpan().SequenceEqual(other.AsSpan());
    public override bool Equals(object? obj) => obj is AerRegisterBlock b && Equals(b);
    public override int GetHashCode() { var h = new HashCode(); h.AddBytes(AsSpan()); return h.ToHashCode(); }
    public static bool operator ==(AerRegisterBlock a, AerRegisterBlock b) => a.Equals(b);
    public static bool operator !=(AerRegisterBlock a, AerRegisterBlock b) => !a.Equals(b);
}
