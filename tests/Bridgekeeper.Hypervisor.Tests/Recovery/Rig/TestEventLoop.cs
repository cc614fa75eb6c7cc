using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>A minimal virtual-time event loop for tests (ties break on scheduling order).</summary>
public sealed class TestEventLoop : ITimerQueue
{
    private readonly PriorityQueue<(long Seq, Action Run, string Label), (long Ns, long Seq)> _queue = new();
    private readonly HashSet<long> _cancelled = [];
    private long _seq;

    public SimTime Now { get; private set; }

    public TimerHandle Schedule(SimTime delay, Action callback, string label)
    {
        if (delay.Nanoseconds < 0) throw new ArgumentOutOfRangeException(nameof(delay));
        long seq = ++_seq;
        _queue.Enqueue((seq, callback, label), (Now.Nanoseconds + delay.Nanoseconds, seq));
        return new TimerHandle(seq);
    }

    public bool Cancel(TimerHandle handle) => handle.Sequence > 0 && _cancelled.Add(handle.Sequence);

    public void RunUntil(SimTime end)
    {
        while (_queue.TryPeek(out var item, out var key) && key.Ns <= end.Nanoseconds)
        {
            _queue.Dequeue();
            if (_cancelled.Remove(item.Seq)) continue;
            Now = new SimTime(key.Ns);
            item.Run();
        }
        if (Now < end) Now = end;
    }

    public void RunFor(SimTime span) => RunUntil(Now + span);
}
