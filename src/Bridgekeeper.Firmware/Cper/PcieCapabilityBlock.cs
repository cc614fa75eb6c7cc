using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 60-byte PCI Express Capability structure copied byte for byte into a CPER PCIe section (UEFI
/// 2.10 App. N.2.7; PCIe Base 6.0 §7.5.3), held inline.
/// </summary>
public readonly struct PcieCapabilityBlock : IEquatable<PcieCapabilityBlock>
{
    public const int Size = 60;

    [InlineArray(Size)]
    private struct Bytes
    {
        private byte _first;
    }

    private readonly Bytes _bytes;

    private PcieCapabilityBlock(ReadOnlySpan<byte> source) => source[..Size].CopyTo(_bytes);

    public static PcieCapabilityBlock From(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new ArgumentException($"a PCIe capability block is {Size} bytes", nameof(source));
        return new PcieCapabilityBlock(source);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    public bool Equals(PcieCapabilityBlock other) => AsSpan().SequenceEqual(other.AsSpan());
    public override bool Equals(object? obj) => obj is PcieCapabilityBlock b && Equals(b);
    public override int GetHashCode() { var h = new HashCode(); h.AddBytes(AsSpan()); return h.ToHashCode(); }
    public static bool operator ==(PcieCapabilityBlock a, PcieCapabilityBlock b) => a.Equals(b);
    public static bool operator !=(PcieCapabilityBlock a, PcieCapabilityBlock b) => !a.Equals(b);
}
