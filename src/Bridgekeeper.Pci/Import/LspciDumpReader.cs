using System.Collections.Immutable;
using System.Text;

namespace Bridgekeeper.Pci;

/// <summary>
/// Reads the text <c>lspci -x</c>, <c>-xxx</c> and <c>-xxxx</c> print (and <c>lspci -F</c> reads back),
/// with or without the <c>-vvv</c> text between the hex lines, following pciutils' lib/dump.c exactly:
/// <list type="bullet">
/// <item>a device line starts <c>BB:DD.F </c> or <c>DDDD:BB:DD.F </c> (a domain of 4 to 6 hex digits, then a space);</item>
/// <item>a data line inside a device is <c>OFF: xx xx ..</c> (2 to 8 hex offset digits); its bytes land at OFF onwards;</item>
/// <item>anything after the hex bytes of a data line is fatal ("Malformed line"), so is an offset at or past 4096;</item>
/// <item>lines longer than pciutils' 254-byte line buffer are fatal;</item>
/// <item>a blank line ends the device; every other line (the <c>-vvv</c> text) is ignored;</item>
/// <item>bytes not given read 0xFF; the highest byte given sets the captured length.</item>
/// </list>
/// The parser works on raw ASCII bytes in chunks; it allocates per function, never per line.
/// </summary>
public static class LspciDumpReader
{
    /// <summary>pciutils reads lines with <c>fgets(buf, 255)</c>: 253 characters, the newline, the terminator.</summary>
    public const int MaxLineLength = 253;

    private const int ChunkSize = 1 << 20;

    public static ImportedHost Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static ImportedHost ReadText(string text, string source = "<text>") =>
        Read(new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false), source);

    public static ImportedHost Read(Stream stream, string source)
    {
        var state = new ParseState(source);
        byte[] buffer = new byte[ChunkSize];
        int filled = 0;
        while (true)
        {
            int got = stream.Read(buffer, filled, buffer.Length - filled);
            bool end = got == 0;
            filled += got;
            int consumed = 0;
            var span = buffer.AsSpan(0, filled);
            while (true)
            {
                int nl = span[consumed..].IndexOf((byte)'\n');
                if (nl < 0) break;
                state.Line(span.Slice(consumed, nl));
                consumed += nl + 1;
            }
            int left = filled - consumed;
            if (end)
            {
                // pciutils refuses an unterminated last line; a string without a final newline is
                // common enough that Bridgekeeper reads it as if terminated.
                if (left > 0) state.Line(span.Slice(consumed, left));
                break;
            }
            if (left > MaxLineLength) state.Line(span.Slice(consumed, left)); // throws: too long
            Buffer.BlockCopy(buffer, consumed, buffer, 0, left);
            filled = left;
        }
        return state.Finish();
    }

    private sealed class ParseState(string source)
    {
        private readonly List<Pending> _functions = [];
        private readonly List<string> _warnings = [];
        private Pending? _current;
        private int _line;

        public void Line(ReadOnlySpan<byte> raw)
        {
            _line++;
            if (raw.Length > MaxLineLength)
                throw new LspciDumpFormatException(source, _line, "line", $"{raw.Length} characters; pciutils reads at most {MaxLineLength} per line");
            if (raw.Contains((byte)0))
                throw new LspciDumpFormatException(source, _line, "line", "contains a NUL character");
            if (raw.Length > 0 && raw[^1] == (byte)'\r') raw = raw[..^1];
            if (raw.IsEmpty) { _current = null; return; }
            if (TryDeviceLine(raw, out Sbdf address))
            {
                _current = new Pending(address, _line);
                _functions.Add(_current);
                return;
            }
            if (_current is not null && DataPrefixLength(raw) is int prefix and > 0)
                DataLine(raw, prefix);
        }

        // lib/dump.c accepts "##:##.# ", "####:##:##.# " and wider domains; the function digit is
        // read with %d, so only 0-9 make a device line at all.
        private bool TryDeviceLine(ReadOnlySpan<byte> s, out Sbdf address)
        {
            address = default;
            int domainDigits = 0;
            while (domainDigits < s.Length && IsHex(s[domainDigits])) domainDigits++;
            int at;
            uint domain = 0;
            if (domainDigits == 2) at = 0;
            else if (domainDigits is >= 4 and <= 6 && domainDigits < s.Length && s[domainDigits] == ':')
            {
                domain = HexValue(s[..domainDigits]);
                at = domainDigits + 1;
            }
            else return false;
            // ##:##.#<space>
            if (s.Length < at + 8) return false;
            var rest = s.Slice(at, 8);
            if (!IsHex(rest[0]) || !IsHex(rest[1]) || rest[2] != ':' || !IsHex(rest[3]) || !IsHex(rest[4])
                || rest[5] != '.' || !IsHex(rest[6]) || rest[7] != ' ')
                return false;
            byte fn = rest[6];
            if (fn is < (byte)'0' or > (byte)'9') return false; // %d stops: not a device line for pciutils either
            uint device = HexValue(rest.Slice(3, 2));
            if (fn > '7')
                throw new LspciDumpFormatException(source, _line, "function", $"function number {(char)fn} is not 0 to 7");
            if (device > 31)
                throw new LspciDumpFormatException(source, _line, "device", $"device number 0x{device:x2} is not 00 to 1f");
            address = new Sbdf(domain, (byte)HexValue(rest[..2]), (int)device, fn - '0');
            return true;
        }

        // "##: " .. "########: ": the offset, a colon, a space.
        private static int DataPrefixLength(ReadOnlySpan<byte> s)
        {
            int digits = 0;
            while (digits < s.Length && digits < 9 && IsHex(s[digits])) digits++;
            if (digits is < 2 or > 8) return 0;
            if (s.Length < digits + 2 || s[digits] != ':' || s[digits + 1] != ' ') return 0;
            return digits + 2;
        }

        private void DataLine(ReadOnlySpan<byte> s, int prefix)
        {
            uint offset = HexValue(s[..(prefix - 2)]);
            var pending = _current!;
            int z = prefix;
            while (z + 1 < s.Length && IsHex(s[z]) && IsHex(s[z + 1]) && (z + 2 == s.Length || s[z + 2] == ' '))
            {
                if (offset >= ConfigSpace.ExtendedSize)
                    throw new LspciDumpFormatException(source, _line, $"offset 0x{offset:x}", "at most 4096 bytes of config space are supported");
                pending.Bytes[offset] = (byte)(HexNibble(s[z]) << 4 | HexNibble(s[z + 1]));
                offset++;
                if (offset > pending.Length) pending.Length = (int)offset;
                z += 2;
                if (z < s.Length) z++;
            }
            if (z < s.Length)
                throw new LspciDumpFormatException(source, _line, $"column {z + 1}", $"malformed data line: '{Encoding.ASCII.GetString(s[z..])}' after the hex bytes");
        }

        public ImportedHost Finish()
        {
            var functions = new ImportedFunction[_functions.Count];
            for (int i = 0; i < functions.Length; i++)
                functions[i] = _functions[i].Build(source, _warnings);
            Array.Sort(functions, (a, b) => a.Address.CompareTo(b.Address));
            for (int i = 1; i < functions.Length; i++)
            {
                if (functions[i].Address == functions[i - 1].Address)
                {
                    int line = Math.Max(LineOf(functions[i].Address, 1), LineOf(functions[i].Address, 2));
                    throw new LspciDumpFormatException(source, line, "device line", $"{functions[i].Address} appears twice");
                }
            }
            return new ImportedHost(source, ImmutableArray.Create(functions), [.. _warnings]);
        }

        private int LineOf(Sbdf address, int occurrence)
        {
            foreach (var p in _functions)
                if (p.Address == address && --occurrence == 0) return p.Line;
            return 0;
        }
    }

    private sealed class Pending
    {
        public Pending(Sbdf address, int line)
        {
            Address = address;
            Line = line;
            Bytes.AsSpan().Fill(0xFF);
        }

        public Sbdf Address { get; }

        public int Line { get; }

        public byte[] Bytes { get; } = new byte[ConfigSpace.ExtendedSize];

        public int Length { get; set; }

        public ImportedFunction Build(string source, List<string> warnings)
        {
            int size = Length <= 64 ? 64 : Length <= ConfigSpace.ConventionalSize ? ConfigSpace.ConventionalSize : ConfigSpace.ExtendedSize;
            if (Length < 64)
                warnings.Add($"{Address}: {source} line {Line} gives only {Length} bytes; lspci cannot read its header");
            else if (Length != size)
                warnings.Add($"{Address}: {source} line {Line} gives {Length} bytes; bytes from 0x{Length:x} read as 0xff");
            var bytes = size == Bytes.Length ? Bytes : Bytes.AsSpan(0, size).ToArray();
            return new ImportedFunction(Address, ConfigSpace.AdoptContent(bytes)) { CapturedLength = Length };
        }
    }

    private static bool IsHex(byte c) => (uint)(c - '0') <= 9 || (uint)((c | 0x20) - 'a') <= 5;

    private static int HexNibble(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static uint HexValue(ReadOnlySpan<byte> digits)
    {
        uint v = 0;
        foreach (byte c in digits) v = v << 4 | (uint)HexNibble(c);
        return v;
    }
}
