namespace Bridgekeeper.Hardware;

/// <summary>Every random choice comes from one seeded source passed in, so a seed replays a run exactly.</summary>
public interface IRandomSource
{
    ulong NextUInt64();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    long NextInRange(long min, long maxExclusive);

    /// <summary>A uniform double in [0, 1).</summary>
    double NextDouble();

    /// <summary>An independent stream derived from this one (for a sub-component), still deterministic.</summary>
    IRandomSource Fork(string purpose);
}
