namespace Bridgekeeper.Hardware;

/// <summary>Identifies a scheduled timer (its scheduling sequence number) so it can be cancelled.</summary>
public readonly record struct TimerHandle(long Sequence)
{
    public static readonly TimerHandle None = new(-1);
}
