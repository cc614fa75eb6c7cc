namespace Bridgekeeper.Cli.Report;

/// <summary>Fill colours for isolation groups: distinct light hues, reused cyclically; functions with no group are grey.</summary>
internal static class GroupPalette
{
    private static readonly string[] Colours =
    [
        "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#8dd3c7", "#bebada",
        "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5",
    ];

    public const string NoGroup = "#eeeeee";

    public static string For(int? groupId) => groupId is { } id ? Colours[((id % Colours.Length) + Colours.Length) % Colours.Length] : NoGroup;
}
