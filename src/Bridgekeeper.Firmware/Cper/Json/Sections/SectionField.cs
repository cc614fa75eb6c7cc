using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// One field of a fixed-layout CPER section as libcper's CPER-JSON shows it: its JSON key, the
/// validation bit that gates it (-1: always shown), and where its bytes are. Decoding and encoding
/// live side by side so that the two directions cannot drift apart.
/// </summary>
public abstract record SectionField(string Name, int ValidBit)
{
    /// <summary>Adds the field to <paramref name="target"/> (the caller has checked the validation bit).</summary>
    public abstract void ToJson(ReadOnlySpan<byte> body, JsonObject target);

    /// <summary>Writes the field from its JSON value; returns the validation bits it makes valid (0 for decode-only).</summary>
    public abstract ulong FromJson(JsonNode? value, Span<byte> body, string path, string source);

    /// <summary>
    /// The bit libcper's encoder sets for this field when it differs from the bit its decoder checks
    /// (a libcper inconsistency reproduced so both directions match it).
    /// </summary>
    public int? EncodeValidBit { get; init; }

    /// <summary>The validation bit encoding sets for this field, as a mask (0 when it is always shown).</summary>
    protected ulong Bit => (EncodeValidBit ?? ValidBit) is var b && b >= 0 ? 1UL << b : 0;

    public static ulong Read(ReadOnlySpan<byte> body, int offset, int size) => size switch
    {
        1 => body[offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(body[offset..]),
        3 => body[offset] | (uint)body[offset + 1] << 8 | (uint)body[offset + 2] << 16,
        4 => BinaryPrimitives.ReadUInt32LittleEndian(body[offset..]),
        < 8 => ReadShort(body.Slice(offset, size)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(body[offset..]),
    };

    private static ulong ReadShort(ReadOnlySpan<byte> bytes)
    {
        ulong v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) v = v << 8 | bytes[i];
        return v;
    }

    public static void Write(Span<byte> body, int offset, int size, ulong value)
    {
        for (int i = 0; i < size; i++) body[offset + i] = (byte)(value >> (8 * i));
    }
}

/// <summary>An unsigned integer of 1-8 bytes.</summary>
public sealed record UIntField(string Name, int ValidBit, int Offset, int Size) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) => target[Name] = Read(body, Offset, Size);

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        Write(body, Offset, Size, U64(value, path, source));
        return Bit;
    }
}

/// <summary>Decode-only "0x%016llX"-style companion of an integer field (libcper's <c>…Hex</c> keys).</summary>
public sealed record HexField(string Name, int ValidBit, int Offset, int Size, int Digits) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) =>
        target[Name] = "0x" + Read(body, Offset, Size).ToString("X" + Digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source) => 0;
}

/// <summary>libcper's readable pair <c>{"value", "name"}</c> from a key/name table.</summary>
public sealed record PairField(string Name, int ValidBit, int Offset, int Size, (ulong, string)[] Table, string Fallback)
    : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) => target[Name] = Pair(Read(body, Offset, Size), Table, Fallback);

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        Write(body, Offset, Size, U64(Child(value, "value", path, source), path + ".value", source));
        return Bit;
    }
}

/// <summary>libcper's <c>bitfield_to_ir</c>: one boolean per named bit, bit 0 first.</summary>
public sealed record FlagsField(string Name, int ValidBit, int Offset, int Size, string[] Bits) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong v = Read(body, Offset, Size);
        var o = new JsonObject();
        for (int i = 0; i < Bits.Length; i++) o[Bits[i]] = ((v >> i) & 1) != 0;
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        ulong v = 0;
        for (int i = 0; i < Bits.Length; i++)
            if (Bool(Child(value, Bits[i], path, source), $"{path}.{Bits[i]}", source)) v |= 1UL << i;
        Write(body, Offset, Size, v);
        return Bit;
    }
}

/// <summary>
/// A fixed-size ASCII field shown only when printable up to its first NUL (libcper's
/// <c>add_untrusted_string</c>); written back NUL-terminated within the field.
/// </summary>
public sealed record TextField(string Name, int ValidBit, int Offset, int Length) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        var b = body.Slice(Offset, Length);
        int n = 0;
        for (; n < b.Length && b[n] != 0; n++)
            if (b[n] < 0x20 || b[n] > 0x7E) return;
        target[Name] = System.Text.Encoding.ASCII.GetString(b[..n]);
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        string text = Text(value, path, source);
        for (int i = 0; i < text.Length && i < Length - 1; i++) body[Offset + i] = (byte)text[i];
        return Bit;
    }
}

/// <summary>A GUID in EFI byte order, shown as text.</summary>
public sealed record GuidField(string Name, int ValidBit, int Offset) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) => target[Name] = GuidText(new Guid(body.Slice(Offset, 16)));

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        GuidFrom(value, path, source).TryWriteBytes(body[Offset..]);
        return Bit;
    }
}

/// <summary>A fixed-length byte field shown as base64 text.</summary>
public sealed record Base64Field(string Name, int ValidBit, int Offset, int Length) : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target) => target[Name] = Convert.ToBase64String(body.Slice(Offset, Length));

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        byte[] bytes = Base64(value, path, source);
        if (bytes.Length > Length) throw new FirmwareFormatException(source, 0, path, $"holds {bytes.Length} bytes; the field has {Length}");
        bytes.CopyTo(body[Offset..]);
        return Bit;
    }
}

/// <summary>libcper's <c>integer_to_readable_pair_with_desc</c>: <c>{"value", "description"?, "name"}</c>.</summary>
public sealed record DescribedPairField(string Name, int ValidBit, int Offset, int Size, (ulong Key, string Name, string Description)[] Table, string Fallback)
    : SectionField(Name, ValidBit)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong v = Read(body, Offset, Size);
        var o = new JsonObject { ["value"] = v };
        string name = Fallback;
        foreach (var (key, n, description) in Table)
            if (key == v) { name = n; o["description"] = description; }
        o["name"] = name;
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        Write(body, Offset, Size, U64(Child(value, "value", path, source), path + ".value", source));
        return Bit;
    }
}
