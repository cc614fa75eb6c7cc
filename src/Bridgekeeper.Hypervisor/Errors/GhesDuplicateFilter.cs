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
        foreach (var (seen, at) in _recent)
            if (seen is not null && (now - at).Nanoseconds < windowNs && record.SequenceEqual(seen))
                return true;
        _recent[_next] = (record.ToArray(), now);
        _next = (_next + 1) % _recent.Length;
        return false;
    }
}
