using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// One FRS Message (PCIe Base 6.0 §6.22.2): sent at <see cref="Time"/> by <see cref="From"/> (its
/// Requester ID names the function now ready) for <see cref="Reason"/>; <see cref="Collector"/> is the
/// Root Port or RCEC that queued it, null when none on the way supports FRS Queueing.
/// </summary>
public sealed record FrsMessage(SimTime Time, SimFunction From, ushort RequesterId, FrsReason Reason, SimFunction? Collector, bool Overflowed);
