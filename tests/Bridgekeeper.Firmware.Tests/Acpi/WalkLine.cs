using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>
/// One error source line of a reference NAME.walk.txt (an independent walker's view, with the AER
/// firmware-first and global bits read per the ACPI spec), e.g.
/// "@0x120 type= 6 len= 48 source_id=0x0003 flags=0x02(FF=0,Global=1) enabled=1 bdf=00:00.0".
/// </summary>
public sealed record WalkLine(int Offset, int Type, int Length, int SourceId, IReadOnlyDictionary<string, string> Extra)
{
    private static readonly Regex Line = new(
        @"^\s*@0x(?<off>[0-9a-f]+) type=\s*(?<type>\d+) len=\s*(?<len>\d+) source_id=0x(?<id>[0-9a-f]+)\s*(?<rest>.*)$");

    private static readonly Regex Pair = new(@"(?<k>[a-z_]+)=(?<v>\S+)");

    public static (Dictionary<string, string> Header, List<WalkLine> Sources) ParseFile(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Pair.Matches(lines[0]).ToDictionary(m => m.Groups["k"].Value, m => m.Groups["v"].Value);
        var sources = new List<WalkLine>();
        foreach (string l in lines.Skip(1))
        {
            var m = Line.Match(l);
            if (!m.Success) throw new InvalidDataException($"{path}: unexpected walk line: {l}");
            var extra = Pair.Matches(m.Groups["rest"].Value).ToDictionary(p => p.Groups["k"].Value, p => p.Groups["v"].Value);
            sources.Add(new WalkLine(Hex(m.Groups["off"].Value), int.Parse(m.Groups["type"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["len"].Value, CultureInfo.InvariantCulture), Hex(m.Groups["id"].Value), extra));
        }
        return (header, sources);
    }

    public static int Hex(string s) =>
        int.Parse(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
