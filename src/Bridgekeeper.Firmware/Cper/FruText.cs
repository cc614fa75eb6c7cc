using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 20-byte FRU text of a section descriptor or GHES data entry (UEFI 2.10 App. N Table N-5), held
/// inline so reading a descriptor allocates nothing.
/// </summary>
public readonly struct FruText : IEquatable<FruText>
{
    [InlineArray(CperSectionDescriptor.FruTextLength)]
    private struct Bytes
    {
        private byte _first;
    }

    private readonly Bytes _bytes;

    private FruText(ReadOnlySpan<byte> source)
    {
        source.CopyTo(_bytes);
    }

    public static FruText From(ReadOnlySpan<byte> source)
    {
        if (source.Length > CperSectionDescriptor.FruTextLength)
            throw new ArgumentException($"FRU text is at most {CperSectionDescriptor.FruTextLength} bytes", nameof(source));
        return new FruText(source);
    }

    /// <summary>ASCII text, truncated to at most 20 bytes and NUL-padded.</summary>
    public static FruText FromString(string text)
    {
        Span<byte> b = stackalloc byte[CperSectionDescriptor.FruTextLength];
        for (int i = 0; i < text.Length && i < b.Length; i++) b[i] = (byte)text[i];
        return new FruText(b);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>
    /// The text up to the first NUL, or null when a byte before it is not printable ASCII (libcper then
    /// leaves fruText out rather than emit garbage).
    /// </summary>
    public string? ToPrintableString()
    {
        ReadOnlySpan<byte> b = _bytes;
        int n = 0;
        for (; n < b.Length && b[n] != 0; n++)
            if (b[n] < 0x20 || b[n] > 0x7E) return null;
        return System.Text.Encoding.ASCII.GetString(b[..n]);
    }

    public bool Equals(FruText other) => AsSpan().SequenceEqual(other.AsSpan());
    public override bool Equals(object? obj) => obj is FruText f && Equals(f);
    public override int GetHashCode() { var h = new HashCode(); h.AddBytes(AsSpan()); return h.ToHashCode(); }
    public static bool operator ==(FruText a, FruText b) => a.Equals(b);
    public static bool operator !=(FruText a, FruText b) => !a.Equals(b);
}
