using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridgekeeper.Pci.Tests.Inspection;

/// <summary>
/// The parts of real <c>lspci -vvv</c> (pciutils 3.9.0) text that the inspection tests check against:
/// one block per device, with its capability lines and the register lines of interest.
/// </summary>
internal sealed partial class LspciVerboseText
{
    public required Sbdf Address { get; init; }

    public List<string> Lines { get; } = [];

    public static List<LspciVerboseText> Parse(string text)
    {
        var blocks = new List<LspciVerboseText>();
        LspciVerboseText? current = null;
        foreach (string line in text.Split('\n'))
        {
            var m = DeviceLine().Match(line);
            if (m.Success)
            {
                current = new LspciVerboseText { Address = Sbdf.Parse(m.Groups[1].Value) };
                blocks.Add(current);
            }
            else if (line.Length == 0) current = null;
            else current?.Lines.Add(line.Trim());
        }
        return blocks;
    }

    /// <summary>(offset, extended, text after the bracket) of each "Capabilities: [..]" line that names a capability.</summary>
    public IEnumerable<(int Offset, bool Extended, string Text)> Capabilities()
    {
        foreach (string line in Lines)
        {
            var m = CapabilityLine().Match(line);
            if (!m.Success || m.Groups[3].Value.StartsWith("<chain", StringComparison.Ordinal)) continue;
            yield return (int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), m.Groups[2].Success, m.Groups[3].Value);
        }
    }

    /// <summary>The first line starting with <paramref name="prefix"/>, or null.</summary>
    public string? Line(string prefix) => Lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The line after the first one starting with <paramref name="prefix"/> (lspci's continuation lines).</summary>
    public string? LineAfter(string prefix)
    {
        int i = Lines.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return i >= 0 && i + 1 < Lines.Count ? Lines[i + 1] : null;
    }

    /// <summary>Reads "Name+" / "Name-" flags from a line into the bits of <paramref name="table"/>; all named flags must be present.</summary>
    public static (uint Value, uint Mask) Flags(string line, IEnumerable<(int Bit, string Name)> table)
    {
        uint value = 0, mask = 0;
        foreach (var (bit, name) in table)
        {
            var m = Regex.Match(line, $@"(?<![\w>]){Regex.Escape(name)}([+-])");
            if (!m.Success) continue;
            mask |= 1u << bit;
            if (m.Groups[1].Value == "+") value |= 1u << bit;
        }
        return (value, mask);
    }

    [GeneratedRegex(@"^((?:[0-9a-f]{4,6}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ")]
    private static partial Regex DeviceLine();

    [GeneratedRegex(@"^Capabilities: \[([0-9a-f]+)( v\d+)?\] (.*)$")]
    private static partial Regex CapabilityLine();
}
