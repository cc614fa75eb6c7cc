using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Per-function rate limit for correctable errors, in the spirit of Linux's per-device AER ratelimit
/// (<c>aer_ratelimit</c>: a burst per interval). Every correctable error is still counted and cleared;
/// only the first <see cref="Burst"/> per <see cref="Interval"/> are logged individually, the rest are
/// summarised when the next one is admitted. O(1), no allocation after a function's first error.
/// </summary>
public sealed class CorrectableErrorLimiter(int burst, SimTime interval)
{
    private readonly Dictionary<Sbdf, Window> _windows = [];

    public int Burst { get; } = burst;

    public SimTime Interval { get; } = interval;

    public long Admitted { get; private set; }

    public long Suppressed { get; private set; }

    /// <summary>
    /// True when this error should be logged individually; <paramref name="suppressedBefore"/> then
    /// says how many were suppressed for the function since the last admitted one.
    /// </summary>
    public bool TryAdmit(Sbdf function, SimTime now, out long suppressedBefore)
    {
        ref var w = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_windows, function, out bool existed);
        if (!existed || now - w.Start >= Interval)
        {
            w.Start = now;
            w.Count = 0;
        }
        if (w.Count < Burst)
        {
            w.Count++;
            suppressedBefore = w.Suppressed;
            w.Suppressed = 0;
            Admitted++;
            return true;
        }
        w.Suppressed++;
        Suppressed++;
        suppressedBefore = 0;
        return false;
    }

    /// <summary>Errors suppressed for a function and not yet summarised.</summary>
    public long PendingSuppressed(Sbdf function) => _windows.TryGetValue(function, out var w) ? w.Suppressed : 0;

    private struct Window
    {
        public SimTime Start;
        public int Count;
        public long Suppressed;
    }
}
