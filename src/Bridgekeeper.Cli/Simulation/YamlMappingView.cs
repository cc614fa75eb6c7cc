using System.Globalization;
using Bridgekeeper.Hardware;
using YamlDotNet.RepresentationModel;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// Reads one YAML mapping with exact errors: every value is fetched by field name, an unknown key is an
/// error (a typo must not be silently ignored), and every error names the file, the line of the
/// offending node and the dotted field path (<c>domains[0].driver.quiesce</c>).
/// </summary>
internal sealed class YamlMappingView
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly string _path;
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);

    private YamlMappingView(YamlMappingNode node, string file, string path)
    {
        _node = node;
        _file = file;
        _path = path;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw Error(key, _path, "keys must be plain names");
            if (!_values.TryAdd(name, value))
                throw Error(key, Join(name), "appears twice");
        }
    }

    public SourceLine At => LineOf(_node);

    public string File => _file;

    public static YamlMappingView Of(YamlNode node, string file, string path) =>
        node is YamlMappingNode m ? new YamlMappingView(m, file, path)
            : throw new ScenarioFormatException(file, LineOf(node, file).Line, path, "expected a mapping (key: value lines)");

    /// <summary>Rejects keys this mapping does not define, naming the first unknown one and the known ones.</summary>
    public void RejectUnknownKeys(params string[] known)
    {
        foreach (var (key, _) in _node.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            if (Array.IndexOf(known, name) < 0)
                throw Error(key, Join(name), $"unknown field (known: {string.Join(", ", known)})");
        }
    }

    public bool Has(string key) => _values.ContainsKey(key);

    public string FieldPath(string key) => Join(key);

    public SourceLine LineOf(string key) => _values.TryGetValue(key, out var n) ? LineOf(n) : At;

    public string RequireString(string key) =>
        OptionalString(key) ?? throw new ScenarioFormatException(At, Join(key), "is required");

    public string? OptionalString(string key)
    {
        if (!_values.TryGetValue(key, out var node)) return null;
        if (node is not YamlScalarNode { Value: { } text } || text.Length == 0)
            throw Error(node, Join(key), "expected a value");
        return text;
    }

    public T OptionalEnum<T>(string key, T fallback, params (string Name, T Value)[] names)
    {
        string? text = OptionalString(key);
        if (text is null) return fallback;
        foreach (var (name, value) in names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw Error(_values[key], Join(key), $"'{text}' is not one of: {string.Join(", ", names.Select(n => n.Name))}");
    }

    public long OptionalInteger(string key, long fallback, long min, long max)
    {
        string? text = OptionalString(key);
        if (text is null) return fallback;
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long v)
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);
        if (!ok) throw Error(_values[key], Join(key), $"'{text}' is not an integer");
        if (v < min || v > max) throw Error(_values[key], Join(key), $"{v} is out of range {min}..{max}");
        return v;
    }

    public double OptionalNumber(string key, double fallback, double min, double max)
    {
        string? text = OptionalString(key);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Error(_values[key], Join(key), $"'{text}' is not a number");
        if (v < min || v > max) throw Error(_values[key], Join(key), $"{v} is out of range {min}..{max}");
        return v;
    }

    /// <summary>A virtual time or duration such as <c>50ms</c>, <c>250us</c>, <c>1.5ms</c>, <c>2s</c> or <c>100ns</c>.</summary>
    public SimTime? OptionalTime(string key)
    {
        string? text = OptionalString(key);
        if (text is null) return null;
        return VirtualTimeText.TryParse(text, out var t)
            ? t
            : throw Error(_values[key], Join(key), $"'{text}' is not a virtual time (e.g. 50ms, 250us, 2s, 100ns)");
    }

    public bool OptionalBool(string key, bool fallback) =>
        OptionalEnum(key, fallback, ("true", true), ("false", false), ("yes", true), ("no", false));

    public YamlMappingView? OptionalMapping(string key) =>
        _values.TryGetValue(key, out var node) ? Of(node, _file, Join(key)) : null;

    /// <summary>The items of a sequence; a missing key is an empty sequence.</summary>
    public IReadOnlyList<YamlNode> OptionalSequence(string key)
    {
        if (!_values.TryGetValue(key, out var node)) return [];
        return node is YamlSequenceNode s ? s.Children.ToArray()
            : throw Error(node, Join(key), "expected a list (lines starting with '- ')");
    }

    public ScenarioFormatException Error(string key, string problem) =>
        _values.TryGetValue(key, out var node) ? Error(node, Join(key), problem) : new ScenarioFormatException(At, Join(key), problem);

    private ScenarioFormatException Error(YamlNode node, string field, string problem) =>
        new(_file, LineOf(node, _file).Line, field, problem);

    private string Join(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private SourceLine LineOf(YamlNode node) => LineOf(node, _file);

    // YamlDotNet marks are 1-based lines.
    private static SourceLine LineOf(YamlNode node, string file) => new(file, (int)node.Start.Line);
}
