using System.Collections.Concurrent;
using System.Globalization;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// Platforms drawn by <see cref="RandomPlatformGenerator"/>, named <c>random:N</c> in a scenario's
/// <c>platform</c> field. Each is drawn and validated once per process: a campaign picks among
/// <see cref="Shapes"/> of them per run, and the platform depends only on N, so a run replays alone.
/// </summary>
public static class DrawnPlatforms
{
    public const string Prefix = "random:";

    /// <summary>How many platform shapes a campaign draws from (<c>random:0</c> … <c>random:Shapes-1</c>).</summary>
    public const int Shapes = 256;

    private static readonly ConcurrentDictionary<ulong, RandomPlatform> Drawn = new();

    public static RandomPlatform Get(ulong seed) => Drawn.GetOrAdd(seed, RandomPlatformGenerator.Generate);

    /// <summary>The seed N of a <c>random:N</c> name, or null for any other name.</summary>
    public static ulong? SeedOf(string builtInName) =>
        builtInName.StartsWith(Prefix, StringComparison.Ordinal)
        && ulong.TryParse(builtInName.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) ? n : null;

    public static string NameOf(ulong seed) => Prefix + seed.ToString(CultureInfo.InvariantCulture);
}
