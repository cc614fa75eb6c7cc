using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// The machine's deterministic discrete-event scheduler: a virtual nanosecond clock and one-shot
/// timers. Events due at the same instant run in the order they were scheduled (ties break on a
/// sequence number), so a seed replays a run exactly. The queue is a binary heap of small structs;
/// callbacks sit in a slot table reused through a free list, so scheduling allocates nothing once
/// the tables have grown (the caller's delegate is its own; pass a cached one on hot paths).
/// Cancellation marks the slot; the heap entry is skipped when it surfaces.
/// </summary>
public sealed class EventLoop : ITimerQueue
{
    private const int SlotBits = 24;
    private const long SlotMask = (1L << SlotBits) - 1;

    private Entry[] _heap = new Entry[256];
    private int _count;
    private Action?[] _callbacks = new Action?[256];
    private string[] _labels = new string[256];
    private long[] _slotSequence = new long[256];
    private int[] _freeSlots = new int[256];
    private int _freeCount;
    private int _slotsUsed;
    private long _nextSequence;

    public SimTime Now { get; private set; }

    /// <summary>Events run since the machine started.</summary>
    public long EventsRun { get; private set; }

    /// <summary>Timers scheduled and not yet run or cancelled.</summary>
    public int Pending { get; private set; }

    /// <summary>Observes every event as it runs (time and label); for timelines and replay tests.</summary>
    public Action<SimTime, string>? Trace { get; set; }

    public TimerHandle Schedule(SimTime delay, Action callback, string label)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (delay.Nanoseconds < 0) throw new ArgumentOutOfRangeException(nameof(delay), delay, "a timer cannot fire in the past");
        int slot = TakeSlot();
        long sequence = _nextSequence++;
        _callbacks[slot] = callback;
        _labels[slot] = label;
        _slotSequence[slot] = sequence;
        Push(new Entry(Now.Nanoseconds + delay.Nanoseconds, sequence, slot));
        Pending++;
        return new TimerHandle((sequence << SlotBits) | (long)slot);
    }

    /// <summary>Schedules at an absolute virtual time (not before now).</summary>
    public TimerHandle ScheduleAt(SimTime when, Action callback, string label) =>
        Schedule(when < Now ? SimTime.Zero : when - Now, callback, label);

    public bool Cancel(TimerHandle handle)
    {
        if (handle.Sequence < 0) return false;
        int slot = (int)(handle.Sequence & SlotMask);
        long sequence = handle.Sequence >> SlotBits;
        if (slot >= _slotsUsed || _callbacks[slot] is null || _slotSequence[slot] != sequence) return false;
        _callbacks[slot] = null;
        Pending--;
        return true;
    }

    /// <summary>Runs every event due up to and including <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(SimTime until)
    {
        while (_count > 0 && _heap[0].Due <= until.Nanoseconds)
            RunNext();
        if (until > Now) Now = until;
    }

    /// <summary>Runs events for <paramref name="span"/> of virtual time from now.</summary>
    public void RunFor(SimTime span) => RunUntil(Now + span);

    /// <summary>Runs events until none is left or <paramref name="limit"/> have run; returns how many ran.</summary>
    public long RunUntilIdle(long limit = 10_000_000)
    {
        long ran = 0;
        while (ran < limit && RunNext()) ran++;
        return ran;
    }

    /// <summary>Runs the next live event; false when the queue is empty.</summary>
    public bool RunNext()
    {
        while (_count > 0)
        {
            var e = Pop();
            var callback = _callbacks[e.Slot];
            string label = _labels[e.Slot];
            bool live = callback is not null && _slotSequence[e.Slot] == e.Sequence;
            _callbacks[e.Slot] = null;
            ReleaseSlot(e.Slot);
            if (!live) continue;
            Now = new SimTime(e.Due);
            Pending--;
            EventsRun++;
            Trace?.Invoke(Now, label);
            callback!();
            return true;
        }
        return false;
    }

    /// <summary>The due time of the next live event, or null when idle.</summary>
    public SimTime? NextDue
    {
        get
        {
            while (_count > 0 && (_callbacks[_heap[0].Slot] is null || _slotSequence[_heap[0].Slot] != _heap[0].Sequence))
                ReleaseSlot(Pop().Slot);
            return _count > 0 ? new SimTime(_heap[0].Due) : null;
        }
    }

    private int TakeSlot()
    {
        if (_freeCount > 0) return _freeSlots[--_freeCount];
        if (_slotsUsed == _callbacks.Length)
        {
            if (_slotsUsed == 1 << SlotBits) throw new InvalidOperationException("more than 16M timers pending");
            int size = _callbacks.Length * 2;
            Array.Resize(ref _callbacks, size);
            Array.Resize(ref _labels, size);
            Array.Resize(ref _slotSequence, size);
            Array.Resize(ref _freeSlots, size);
        }
        return _slotsUsed++;
    }

    private void ReleaseSlot(int slot) => _freeSlots[_freeCount++] = slot;

    private void Push(Entry e)
    {
        if (_count == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Before(e, _heap[parent])) break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = e;
    }

    private Entry Pop()
    {
        var top = _heap[0];
        var last = _heap[--_count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && Before(_heap[child + 1], _heap[child])) child++;
            if (!Before(_heap[child], last)) break;
            _heap[i] = _heap[child];
            i = child;
        }
        if (_count > 0) _heap[i] = last;
        return top;
    }

    private static bool Before(in Entry a, in Entry b) => a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    private readonly record struct Entry(long Due, long Sequence, int Slot);
}
