using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>An injected error the function could not take (in reset, not yet ready, removed): when, where, what and why.</summary>
public readonly record struct DroppedAerError(SimTime Time, SimFunction Function, AerErrorRecord Error, AerInjectOutcome Outcome);
