using System.Globalization;

namespace Bridgekeeper.Hardware;

/// <summary>
/// A point (or span) of virtual time in nanoseconds. All time in Bridgekeeper is virtual: the
/// simulator advances it, the hypervisor reads it through <see cref="IClock"/>; nothing reads a wall clock.
/// </summary>
public readonly record struct SimTime(long Nanoseconds) : IComparable<SimTime>
{
    public static readonly SimTime Zero = new(0);

    public static SimTime FromMicroseconds(long us) => new(checked(us * 1_000));

    public static SimTime FromMilliseconds(long ms) => new(checked(ms * 1_000_000));

    public static SimTime FromSeconds(long s) => new(checked(s * 1_000_000_000));

    public long Microseconds => Nanoseconds / 1_000;

    public double TotalMilliseconds => Nanoseconds / 1e6;

    public int CompareTo(SimTime other) => Nanoseconds.CompareTo(other.Nanoseconds);

    public static SimTime operator +(SimTime a, SimTime b) => new(checked(a.Nanoseconds + b.Nanoseconds));

    public static SimTime operator -(SimTime a, SimTime b) => new(checked(a.Nanoseconds - b.Nanoseconds));

    public static bool operator <(SimTime a, SimTime b) => a.Nanoseconds < b.Nanoseconds;

    public static bool operator >(SimTime a, SimTime b) => a.Nanoseconds > b.Nanoseconds;

    public static bool operator <=(SimTime a, SimTime b) => a.Nanoseconds <= b.Nanoseconds;

    public static bool operator >=(SimTime a, SimTime b) => a.Nanoseconds >= b.Nanoseconds;

    public static SimTime Max(SimTime a, SimTime b) => a >= b ? a : b;

    /// <summary>Milliseconds with microsecond precision, e.g. <c>101.250 ms</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Nanoseconds / 1e6:0.000} ms");
}
