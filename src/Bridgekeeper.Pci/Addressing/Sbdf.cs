using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridgekeeper.Pci;

/// <summary>
/// A physical function address: PCI segment (domain), bus, and the 8-bit device/function number
/// (DevFn = device &lt;&lt; 3 | function). With ARI (PCIe Base 6.0 §6.13) the whole DevFn is an 8-bit
/// function number on device 0; <see cref="AriFunction"/> gives that view. The text forms are Linux's:
/// <c>0000:03:00.1</c> and, with segment 0 implied, <c>03:00.1</c>. Segments wider than 16 bits exist
/// on Linux (VMD domains), so the segment is kept as 32 bits.
/// </summary>
public readonly record struct Sbdf(uint Segment, byte Bus, byte DevFn) : IComparable<Sbdf>, ISpanFormattable
{
    public Sbdf(uint segment, byte bus, int device, int function)
        : this(segment, bus, MakeDevFn(device, function))
    {
    }

    public int Device => DevFn >> 3;

    public int Function => DevFn & 7;

    /// <summary>The function number under ARI: all eight bits of DevFn.</summary>
    public int AriFunction => DevFn;

    public RequesterId RequesterId => new((ushort)(Bus << 8 | DevFn));

    public static Sbdf FromRequesterId(uint segment, RequesterId rid) => new(segment, rid.Bus, rid.DevFn);

    public Sbdf WithFunction(int function) => new(Segment, Bus, Device, function);

    public int CompareTo(Sbdf other)
    {
        int c = Segment.CompareTo(other.Segment);
        if (c != 0) return c;
        c = Bus.CompareTo(other.Bus);
        return c != 0 ? c : DevFn.CompareTo(other.DevFn);
    }

    public static bool operator <(Sbdf a, Sbdf b) => a.CompareTo(b) < 0;

    public static bool operator >(Sbdf a, Sbdf b) => a.CompareTo(b) > 0;

    public static bool operator <=(Sbdf a, Sbdf b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Sbdf a, Sbdf b) => a.CompareTo(b) >= 0;

    /// <summary>Parses <c>SSSS:BB:DD.F</c> or <c>BB:DD.F</c> (hex; the segment may have 1 to 8 digits).</summary>
    public static Sbdf Parse(string text) =>
        TryParse(text, out var sbdf, out string? why) ? sbdf : throw new FormatException($"'{text}' is not a PCI address: {why}");

    public static bool TryParse(ReadOnlySpan<char> text, out Sbdf sbdf) => TryParse(text, out sbdf, out _);

    public static bool TryParse(ReadOnlySpan<char> text, out Sbdf sbdf, [NotNullWhen(false)] out string? why)
    {
        sbdf = default;
        int dot = text.LastIndexOf('.');
        if (dot < 0) { why = "expected [SSSS:]BB:DD.F"; return false; }
        var head = text[..dot];
        var fnText = text[(dot + 1)..];
        int lastColon = head.LastIndexOf(':');
        if (lastColon < 0) { why = "expected [SSSS:]BB:DD.F"; return false; }
        var devText = head[(lastColon + 1)..];
        var rest = head[..lastColon];
        int segColon = rest.LastIndexOf(':');
        var busText = segColon < 0 ? rest : rest[(segColon + 1)..];
        var segText = segColon < 0 ? "0".AsSpan() : rest[..segColon];
        if (!Hex(segText, 8, out uint seg)) { why = "segment must be 1 to 8 hex digits"; return false; }
        if (!Hex(busText, 2, out uint bus)) { why = "bus must be 1 or 2 hex digits"; return false; }
        if (!Hex(devText, 2, out uint dev) || dev > 31) { why = "device must be hex 00 to 1f"; return false; }
        if (fnText.Length != 1 || fnText[0] < '0' || fnText[0] > '7') { why = "function must be 0 to 7"; return false; }
        sbdf = new Sbdf(seg, (byte)bus, (int)dev, fnText[0] - '0');
        why = null;
        return true;
    }

    private static bool Hex(ReadOnlySpan<char> s, int maxDigits, out uint value)
    {
        value = 0;
        return s.Length >= 1 && s.Length <= maxDigits
            && uint.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static byte MakeDevFn(int device, int function)
    {
        if ((uint)device > 31) throw new ArgumentOutOfRangeException(nameof(device), device, "device must be 0..31");
        if ((uint)function > 7) throw new ArgumentOutOfRangeException(nameof(function), function, "function must be 0..7");
        return (byte)(device << 3 | function);
    }

    /// <summary>Linux's form: <c>0000:03:00.1</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Segment:x4}:{Bus:x2}:{Device:x2}.{Function}");

    /// <summary>The short form lspci uses for segment 0: <c>03:00.1</c>.</summary>
    public string ToShortString() => Segment == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Bus:x2}:{Device:x2}.{Function}")
        : ToString();

    public string ToString(string? format, IFormatProvider? formatProvider) => format == "s" ? ToShortString() : ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        format is "s" && Segment == 0
            ? destination.TryWrite(CultureInfo.InvariantCulture, $"{Bus:x2}:{Device:x2}.{Function}", out charsWritten)
            : destination.TryWrite(CultureInfo.InvariantCulture, $"{Segment:x4}:{Bus:x2}:{Device:x2}.{Function}", out charsWritten);
}
