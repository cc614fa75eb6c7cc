namespace Bridgekeeper.Hardware;

/// <summary>
/// A small, fast, deterministic generator (xoshiro256** seeded through SplitMix64). Its output is fixed
/// by this code alone, not by the runtime version, so a seed printed today replays the same run later.
/// </summary>
public sealed class SeededRandom : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong Seed { get; }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextInRange(0, maxExclusive);
    }

    public long NextInRange(long min, long maxExclusive)
    {
        if (maxExclusive <= min) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "empty range");
        ulong range = (ulong)(maxExclusive - min);
        // Rejection sampling keeps the draw uniform.
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong v;
        do { v = NextUInt64(); } while (v >= limit);
        return min + (long)(v % range);
    }

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public IRandomSource Fork(string purpose)
    {
        ulong h = 14695981039346656037UL; // FNV-1a over the purpose, mixed with this stream's next value
        foreach (char c in purpose) { h ^= c; h *= 1099511628211UL; }
        return new SeededRandom(NextUInt64() ^ h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
