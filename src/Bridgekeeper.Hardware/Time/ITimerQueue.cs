namespace Bridgekeeper.Hardware;

/// <summary>
/// One-shot timers on virtual time. Callbacks run on the event loop when virtual time reaches them;
/// timers due at the same instant run in the order they were scheduled. Every wait in the hypervisor
/// (quiesce timeouts, the 100 ms readiness delay, RRS polling) is one of these.
/// </summary>
public interface ITimerQueue : IClock
{
    TimerHandle Schedule(SimTime delay, Action callback, string label);

    /// <summary>Cancels a pending timer; false when it already ran or was cancelled.</summary>
    bool Cancel(TimerHandle handle);
}
