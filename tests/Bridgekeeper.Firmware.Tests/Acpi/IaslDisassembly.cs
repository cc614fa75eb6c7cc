using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>One "[Offset Decimal Length] Name : Value" line of an iasl data-table disassembly.</summary>
public sealed record IaslField(int Offset, int ByteLength, string Name, string Value)
{
    /// <summary>The value as a number: the leading hex digits ("01 [Polled]" is 1), or null for strings and containers.</summary>
    public ulong? Number
    {
        get
        {
            var m = Regex.Match(Value, "^([0-9A-F]+)( |$)");
            return m.Success && m.Groups[1].Value.Length <= 16
                ? ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
        }
    }

    /// <summary>The text of a quoted value ("HEST"), or null.</summary>
    public string? Text
    {
        get
        {
            var m = Regex.Match(Value, "^\"(.*)\"");
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}

/// <summary>A decoded-flag line iasl prints under a "Flags (decoded below)" field, e.g. "Firmware First : 1".</summary>
public sealed record IaslFlagLine(int FlagsOffset, string Name, int Value);

/// <summary>
/// The text of an `iasl -d` disassembly (ACPICA 20200925 "[02Ah 0042   2]" and 20260408 "[02Ah 0042 002h]"
/// formats), parsed into its field lines, decoded flag lines and "****" diagnostics. Parsing stops at
/// the raw hex dump.
/// </summary>
public sealed class IaslDisassembly
{
    private static readonly Regex FieldLine = new(
        @"^\[(?<hex>[0-9A-F]+)h (?<dec>\d{4}) +(?<len>[0-9A-F]+h|\d+)\]\s+(?<name>.+?) : (?<value>.*)$", RegexOptions.Compiled);

    private static readonly Regex FlagLine = new(@"^\s{10,}(?<name>\S.*?) : (?<bit>[01])$", RegexOptions.Compiled);

    public List<IaslField> Fields { get; } = [];

    public List<IaslFlagLine> FlagLines { get; } = [];

    public List<string> Diagnostics { get; } = [];

    public static IaslDisassembly Parse(string text)
    {
        var result = new IaslDisassembly();
        int lastFlags = -1;
        foreach (string line in text.Split('\n'))
        {
            string l = line.TrimEnd('\r');
            if (l.StartsWith("Raw Table Data", StringComparison.Ordinal)) break;
            var f = FieldLine.Match(l);
            if (f.Success)
            {
                int offset = int.Parse(f.Groups["hex"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                string len = f.Groups["len"].Value;
                int length = len.EndsWith('h')
                    ? int.Parse(len.TrimEnd('h'), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : int.Parse(len, CultureInfo.InvariantCulture);
                if (offset != int.Parse(f.Groups["dec"].Value, CultureInfo.InvariantCulture))
                    throw new InvalidDataException($"hex and decimal offsets disagree in: {l}");
                string name = f.Groups["name"].Value.Trim();
                result.Fields.Add(new IaslField(offset, length, name, f.Groups["value"].Value.Trim()));
                lastFlags = name.Contains("(decoded below)", StringComparison.Ordinal) ? offset : -1;
                continue;
            }
            var flag = FlagLine.Match(l);
            if (flag.Success && lastFlags >= 0)
            {
                result.FlagLines.Add(new IaslFlagLine(lastFlags, flag.Groups["name"].Value, flag.Groups["bit"].Value[0] - '0'));
                continue;
            }
            if (l.Contains("****", StringComparison.Ordinal)) result.Diagnostics.Add(l.Trim());
        }
        return result;
    }
}
