using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Recognises a status block seen moments ago, like Linux's estatus cache (ghes.c: a few entries, a
/// 10-second window): a source that repeats the same record is stored but not acted on twice.
/// Compares whole records byte for byte; the cache is tiny, so a linear scan is cheapest.
/// </summary>
public sealed class GhesDuplicateFilter(int capacity = 4, long windowNs = 10_000_000_000)
{
    private readonly (byte[] Record, SimTime Seen)[] _recent = new (byte[], SimTime)[capacity];
    private int _next;

    public bool IsDuplicate(ReadOnlySpan<byte> record, SimTime now)
    {
        if (SeenRecently(record, now)) return true;
        Remember(record.ToArray(), now);
        return false;
    }

    /// <summary>As the span overload; a new <paramref name="record"/> is kept, not copied, and must not change afterwards.</summary>
    public bool IsDuplicate(byte[] record, SimTime now)
    {
        if (SeenRecently(record, now)) return true;
        Remember(record, now);
        return false;
    }

    private bool SeenRecently(ReadOnlySpan<byte> record, SimTime now)
    {
        foreach (var (seen, at) in _recent)
            if (seen is not null && (now - at).Nanoseconds < windowNs && record.SequenceEqual(seen))
                return true;
        return false;
    }

    private void Remember(byte[] record, SimTime now)
    {
        _recent[_next] = (record, now);
        _next = (_next + 1) % _recent.Length;
    }
}
