using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Bridgekeeper.Pci;

/// <summary>
/// A function's configuration space as the hardware has it: its bytes (256 for a conventional
/// function, 4096 for PCIe) plus per-bit attributes (<see cref="ConfigAttributes"/>) and the reset
/// defaults. This is the one model the importer, the simulator, the hypervisor and the output use.
/// <para>
/// Software accesses (<see cref="Read"/>, <see cref="Write"/>) are 1, 2 or 4 bytes, naturally aligned
/// (PCIe Base 6.0 §7.2.2), and writes obey the attributes: RW and RWS bits take the value, RW1C and
/// RW1CS bits clear where the value has a one, everything else keeps its old value (RO, ROS, HwInit,
/// RsvdP; RsvdZ reads as its current value, zero on real hardware). Device-side changes (latching a
/// status bit, an importer filling bytes) go through <see cref="Store"/>, which ignores attributes.
/// </para>
/// </summary>
public sealed class ConfigSpace
{
    public const int ConventionalSize = 256;
    public const int ExtendedSize = 4096;

    private readonly byte[] _bytes;
    private byte[] _defaults;
    // True while _defaults is the very array _bytes is (an adopted space nobody has changed yet): the
    // first store or write gives the defaults their own copy. Snapshots that are only read (the
    // hypervisor's ECAM topology, rebuilt after every report) so never pay for a second 4 KiB array.
    private bool _defaultsShared;
    // True while _defaults is another space's array that never changes again (CloneSharingDefaults):
    // the first StoreDefault gives this space its own copy.
    private bool _defaultsBorrowed;
    private ConfigAttributes? _attributes;

    private ConfigSpace(byte[] bytes, byte[] defaults, ConfigAttributes? attributes)
    {
        _bytes = bytes;
        _defaults = defaults;
        _attributes = attributes;
    }

    /// <summary>
    /// A config space whose current bytes and reset defaults are <paramref name="initial"/>, with the
    /// given attributes (their size must equal the content's size).
    /// </summary>
    public static ConfigSpace Create(ReadOnlySpan<byte> initial, ConfigAttributes attributes)
    {
        if (initial.Length != attributes.Size)
            throw new ArgumentException($"content is {initial.Length} bytes but attributes cover {attributes.Size}", nameof(initial));
        return new ConfigSpace(initial.ToArray(), initial.ToArray(), attributes);
    }

    /// <summary>
    /// As <see cref="Create"/>, taking ownership of <paramref name="initial"/> as the current bytes (the
    /// caller must not keep or change it). The reset defaults are copied only when the space first
    /// changes, so builders that fill a fresh array (ECAM snapshots, vPCI shadows) allocate 4 KiB for a
    /// PCIe space that is only read, not 12.
    /// </summary>
    public static ConfigSpace Adopt(byte[] initial, ConfigAttributes attributes)
    {
        if (initial.Length != attributes.Size)
            throw new ArgumentException($"content is {initial.Length} bytes but attributes cover {attributes.Size}", nameof(initial));
        return new ConfigSpace(initial, initial, attributes) { _defaultsShared = true };
    }

    private void UnshareDefaults()
    {
        if (!_defaultsShared) return;
        _defaults = (byte[])_bytes.Clone();
        _defaultsShared = false;
    }

    /// <summary>
    /// A config space whose attributes are compiled from its own content (header and capabilities).
    /// The compilation happens on first use of <see cref="Attributes"/> (a write or a reset), so an
    /// import of ten thousand functions that are only read never pays for it.
    /// </summary>
    public static ConfigSpace FromContent(ReadOnlySpan<byte> initial) => AdoptContent(initial.ToArray());

    /// <summary>As <see cref="FromContent"/>, taking ownership of <paramref name="initial"/> (no copy of the current bytes).</summary>
    public static ConfigSpace AdoptContent(byte[] initial)
    {
        if (initial.Length is not (64 or ConventionalSize or ExtendedSize))
            throw new ArgumentException($"config space is 64, 256 or 4096 bytes, not {initial.Length}", nameof(initial));
        return new ConfigSpace(initial, (byte[])initial.Clone(), null);
    }

    public int Size => _bytes.Length;

    public bool IsExtended => _bytes.Length == ExtendedSize;

    /// <summary>The per-bit attributes (compiled from the reset defaults on first use for content-built spaces).</summary>
    public ConfigAttributes Attributes => _attributes ??= ConfigLayoutCompiler.Compile(_defaults).Freeze();

    /// <summary>The current bytes (read without side effects).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>What a conventional reset restores, except for sticky bits.</summary>
    public ReadOnlySpan<byte> Defaults => _defaults;

    public byte ReadByte(int offset) => (byte)Read(offset, 1);

    public ushort ReadUInt16(int offset) => (ushort)Read(offset, 2);

    public uint ReadUInt32(int offset) => Read(offset, 4);

    /// <summary>A software read of 1, 2 or 4 naturally aligned bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Read(int offset, int size)
    {
        CheckAccess(offset, size);
        return size switch
        {
            1 => _bytes[offset],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(offset)),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset)),
        };
    }

    /// <summary>A software write of 1, 2 or 4 naturally aligned bytes, obeying every bit's attribute.</summary>
    public void Write(int offset, int size, uint value)
    {
        CheckAccess(offset, size);
        UnshareDefaults();
        var rw = Attributes.Writable;
        var w1c = Attributes.WriteOneToClear;
        for (int i = 0; i < size; i++)
        {
            int at = offset + i;
            byte v = (byte)(value >> (i * 8));
            byte old = _bytes[at];
            byte next = (byte)((old & ~rw[at]) | (v & rw[at]));
            next = (byte)(next & ~(v & w1c[at]));
            _bytes[at] = next;
        }
    }

    /// <summary>A device-side store that ignores attributes (hardware latching state, an importer).</summary>
    public void Store(int offset, int size, uint value)
    {
        CheckAccess(offset, size);
        UnshareDefaults();
        for (int i = 0; i < size; i++)
            _bytes[offset + i] = (byte)(value >> (i * 8));
    }

    /// <summary>Device-side: sets bits (for example a status bit the hardware latches).</summary>
    public void SetBits(int offset, int size, uint bits) => Store(offset, size, Read(offset, size) | bits);

    /// <summary>Device-side: clears bits.</summary>
    public void ClearBits(int offset, int size, uint bits) => Store(offset, size, Read(offset, size) & ~bits);

    /// <summary>
    /// Device-side: changes the reset default of a field as well as its current value (firmware
    /// initialising a HwInit field, a model fixing an ID).
    /// </summary>
    public void StoreDefault(int offset, int size, uint value)
    {
        Store(offset, size, value);
        if (_defaultsBorrowed)
        {
            _defaults = (byte[])_defaults.Clone();
            _defaultsBorrowed = false;
        }
        for (int i = 0; i < size; i++)
            _defaults[offset + i] = (byte)(value >> (i * 8));
    }

    /// <summary>
    /// Resets the function. A conventional reset (hot reset, secondary bus reset, FLR; PCIe Base 6.0
    /// §6.6.1) restores defaults except sticky bits; a fundamental (cold) reset restores everything.
    /// </summary>
    public void Reset(ResetKind kind)
    {
        // Shared defaults mean nothing has changed since adoption: either reset leaves the bytes as they are.
        if (_defaultsShared) return;
        if (kind == ResetKind.Fundamental)
        {
            _defaults.CopyTo(_bytes, 0);
            return;
        }
        var sticky = Attributes.StickyMask;
        for (int i = 0; i < _bytes.Length; i++)
            _bytes[i] = (byte)((_defaults[i] & ~sticky[i]) | (_bytes[i] & sticky[i]));
    }

    /// <summary>An independent copy (bytes and defaults; the attributes are shared).</summary>
    public ConfigSpace Clone() => new((byte[])_bytes.Clone(), (byte[])_defaults.Clone(), _attributes);

    /// <summary>
    /// As <see cref="Clone"/>, for a source whose reset defaults never change again (a machine template's
    /// spaces, which are only ever copied): the copy reads the source's defaults array until it first
    /// changes a default itself, so a machine built from a template allocates 4 KiB per PCIe function, not 8.
    /// </summary>
    public ConfigSpace CloneSharingDefaults()
    {
        UnshareDefaults(); // the source's defaults must be an array of their own, not its current bytes
        return new((byte[])_bytes.Clone(), _defaults, _attributes) { _defaultsBorrowed = true };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckAccess(int offset, int size)
    {
        if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)) != 0 || (uint)offset > (uint)(_bytes.Length - size))
            ThrowBadAccess(offset, size);
    }

    [DoesNotReturn]
    private void ThrowBadAccess(int offset, int size)
    {
        if (size is not (1 or 2 or 4))
            throw new ConfigAccessException($"config access of {size} bytes at 0x{offset:X3}: size must be 1, 2 or 4");
        if ((offset & (size - 1)) != 0)
            throw new ConfigAccessException($"config access of {size} bytes at 0x{offset:X3} is not naturally aligned");
        throw new ConfigAccessException($"config access of {size} bytes at 0x{offset:X3} is beyond the {_bytes.Length}-byte config space");
    }
}
