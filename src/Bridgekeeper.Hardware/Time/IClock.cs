namespace Bridgekeeper.Hardware;

/// <summary>The only source of time: virtual nanoseconds since the machine started.</summary>
public interface IClock
{
    SimTime Now { get; }
}
