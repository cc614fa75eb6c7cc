namespace Bridgekeeper.Pci;

/// <summary>
/// Per-byte attribute masks for a function's config space, in QEMU's manner: beside the bytes sit
/// arrays of the same length saying which bits are writable, write-1-to-clear, sticky, reserved or
/// HwInit. Bits in no mask are read-only. Register layouts are compiled into these once; the write
/// path is then one loop with no per-register branches. A compiled instance is immutable by
/// convention after <see cref="Freeze"/> and may be shared by many functions of one model.
/// </summary>
public sealed class ConfigAttributes
{
    private readonly byte[] _rw;
    private readonly byte[] _rw1c;
    private readonly byte[] _sticky;
    private readonly byte[] _rsvdP;
    private readonly byte[] _rsvdZ;
    private readonly byte[] _hwInit;
    private bool _frozen;

    public ConfigAttributes(int size)
    {
        if (size is not (ConfigSpace.ConventionalSize or ConfigSpace.ExtendedSize) && size != 64)
            throw new ArgumentOutOfRangeException(nameof(size), size, "config space is 64, 256 or 4096 bytes");
        Size = size;
        _rw = new byte[size];
        _rw1c = new byte[size];
        _sticky = new byte[size];
        _rsvdP = new byte[size];
        _rsvdZ = new byte[size];
        _hwInit = new byte[size];
    }

    public int Size { get; }

    public ReadOnlySpan<byte> Writable => _rw;

    public ReadOnlySpan<byte> WriteOneToClear => _rw1c;

    public ReadOnlySpan<byte> StickyMask => _sticky;

    public ReadOnlySpan<byte> PreservedReserved => _rsvdP;

    public ReadOnlySpan<byte> ZeroReserved => _rsvdZ;

    public ReadOnlySpan<byte> HardwareInitialised => _hwInit;

    public bool IsFrozen => _frozen;

    /// <summary>Marks the masks complete; later changes throw, so shared instances stay consistent.</summary>
    public ConfigAttributes Freeze()
    {
        _frozen = true;
        return this;
    }

    /// <summary>Declares every register of <paramref name="layout"/> at <paramref name="baseOffset"/>.</summary>
    public void Apply(RegisterLayout layout, int baseOffset)
    {
        foreach (var r in layout.Registers)
            Apply(r, baseOffset);
    }

    /// <summary>Declares one register. Registers past the end of a short (conventional) space are ignored.</summary>
    public void Apply(in RegisterDef r, int baseOffset)
    {
        ThrowIfFrozen();
        int at = baseOffset + r.Offset;
        if (at < 0 || at + r.Width > Size) return;
        for (int i = 0; i < r.Width; i++)
        {
            int shift = i * 8;
            _rw[at + i] = (byte)(r.Rw >> shift);
            _rw1c[at + i] = (byte)(r.Rw1c >> shift);
            _sticky[at + i] = (byte)(r.Sticky >> shift);
            _rsvdP[at + i] = (byte)(r.RsvdP >> shift);
            _rsvdZ[at + i] = (byte)(r.RsvdZ >> shift);
            _hwInit[at + i] = (byte)(r.HwInit >> shift);
        }
    }

    /// <summary>
    /// Makes a BAR's address bits writable for a region of <paramref name="sizeBytes"/> (a power of
    /// two), so that writing all ones and reading back gives the size (PCIe Base 6.0 §7.5.1.2.1).
    /// The low type bits stay read-only. A 64-bit BAR also makes the next dword writable.
    /// </summary>
    public void DeclareBar(int offset, ulong sizeBytes, bool io, bool is64Bit)
    {
        ThrowIfFrozen();
        if (sizeBytes == 0) { SetDword(_rw, offset, 0); if (is64Bit) SetDword(_rw, offset + 4, 0); return; }
        if ((sizeBytes & (sizeBytes - 1)) != 0) throw new ArgumentException($"BAR size {sizeBytes} is not a power of two", nameof(sizeBytes));
        ulong minimum = io ? 4u : 16u;
        if (sizeBytes < minimum) sizeBytes = minimum;
        ulong mask = ~(sizeBytes - 1);
        SetDword(_rw, offset, (uint)mask & (io ? 0xFFFF_FFFCu : 0xFFFF_FFF0u));
        if (is64Bit) SetDword(_rw, offset + 4, (uint)(mask >> 32));
    }

    /// <summary>The Expansion ROM BAR: address bits by size, bit 0 (enable) writable.</summary>
    public void DeclareRom(int offset, uint sizeBytes)
    {
        ThrowIfFrozen();
        if (sizeBytes == 0) { SetDword(_rw, offset, 0); return; }
        if ((sizeBytes & (sizeBytes - 1)) != 0 || sizeBytes < 2048)
            throw new ArgumentException($"ROM size {sizeBytes} must be a power of two of at least 2 KiB", nameof(sizeBytes));
        SetDword(_rw, offset, (~(sizeBytes - 1) & 0xFFFF_F800u) | 1u);
    }

    public BitAttribute AttributeOf(int offset, int bit)
    {
        byte m = (byte)(1 << bit);
        bool sticky = (_sticky[offset] & m) != 0;
        if ((_rw[offset] & m) != 0) return sticky ? BitAttribute.RwS : BitAttribute.Rw;
        if ((_rw1c[offset] & m) != 0) return sticky ? BitAttribute.Rw1cS : BitAttribute.Rw1c;
        if ((_rsvdP[offset] & m) != 0) return BitAttribute.RsvdP;
        if ((_rsvdZ[offset] & m) != 0) return BitAttribute.RsvdZ;
        if ((_hwInit[offset] & m) != 0) return BitAttribute.HwInit;
        return sticky ? BitAttribute.RoS : BitAttribute.Ro;
    }

    /// <summary>Offsets of bytes where two write behaviours claim one bit (must be none).</summary>
    public IEnumerable<int> OverlappingBytes()
    {
        for (int i = 0; i < Size; i++)
        {
            int a = _rw[i], b = _rw1c[i], c = _rsvdP[i], d = _rsvdZ[i], e = _hwInit[i];
            if ((a & b) != 0 || ((a | b) & (c | d | e)) != 0 || (c & d) != 0 || ((c | d) & e) != 0)
                yield return i;
        }
    }

    private static void SetDword(byte[] mask, int offset, uint value)
    {
        for (int i = 0; i < 4; i++) mask[offset + i] = (byte)(value >> (i * 8));
    }

    private void ThrowIfFrozen()
    {
        if (_frozen) throw new InvalidOperationException("these config attributes are shared and frozen; build a new set");
    }
}
