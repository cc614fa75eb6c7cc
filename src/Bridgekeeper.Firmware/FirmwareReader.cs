using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Bridgekeeper.Firmware;

/// <summary>
/// A forward reader over little-endian firmware bytes (ACPI and UEFI are little-endian throughout).
/// Every bounds check is in <see cref="Need"/>, so a truncated structure always ends in a
/// <see cref="FirmwareFormatException"/> naming the field, never an out-of-range read.
/// <see cref="Offset"/> is relative to the start of the span; <see cref="BaseOffset"/> is added to
/// offsets in error messages so that nested readers report file offsets.
/// </summary>
public ref struct FirmwareReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;

    public FirmwareReader(ReadOnlySpan<byte> data, string source, long baseOffset = 0)
    {
        _data = data;
        _source = source;
        BaseOffset = baseOffset;
        Offset = 0;
    }

    public int Offset { get; set; }

    public long BaseOffset { get; }

    public readonly int Length => _data.Length;

    public readonly int Remaining => _data.Length - Offset;

    public readonly string Source => _source;

    public byte ReadByte(string field)
    {
        Need(1, field);
        return _data[Offset++];
    }

    public ushort ReadUInt16(string field)
    {
        Need(2, field);
        ushort v = BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(Offset));
        Offset += 2;
        return v;
    }

    public uint ReadUInt32(string field)
    {
        Need(4, field);
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(Offset));
        Offset += 4;
        return v;
    }

    public ulong ReadUInt64(string field)
    {
        Need(8, field);
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(Offset));
        Offset += 8;
        return v;
    }

    /// <summary>A GUID in the UEFI/Microsoft mixed-endian layout (first three fields little-endian).</summary>
    public Guid ReadGuid(string field)
    {
        Need(16, field);
        var g = new Guid(_data.Slice(Offset, 16));
        Offset += 16;
        return g;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0) Throw(field, $"negative length {count}");
        Need(count, field);
        var s = _data.Slice(Offset, count);
        Offset += count;
        return s;
    }

    public void Skip(int count, string field) => ReadBytes(count, field);

    public readonly ReadOnlySpan<byte> Peek(int count, string field)
    {
        Need(count, field);
        return _data.Slice(Offset, count);
    }

    /// <summary>A reader over the next <paramref name="count"/> bytes whose errors report file offsets.</summary>
    public FirmwareReader Slice(int count, string field)
    {
        long at = BaseOffset + Offset;
        return new FirmwareReader(ReadBytes(count, field), _source, at);
    }

    public readonly void Need(int count, string field)
    {
        if ((uint)count > (uint)(_data.Length - Offset))
            ThrowTruncated(field, count);
    }

    [DoesNotReturn]
    public readonly void Throw(string field, string problem) =>
        throw new FirmwareFormatException(_source, BaseOffset + Offset, field, problem);

    [DoesNotReturn]
    private readonly void ThrowTruncated(string field, int count) =>
        throw new FirmwareFormatException(_source, BaseOffset + Offset, field,
            $"needs {count} byte(s) but only {_data.Length - Offset} remain");
}
