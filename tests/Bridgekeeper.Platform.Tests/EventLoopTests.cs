using CsCheck;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform.Tests;

public class EventLoopTests
{
    [Fact]
    public void Timers_due_at_the_same_instant_run_in_scheduling_order()
    {
        var loop = new EventLoop();
        var order = new List<int>();
        for (int i = 0; i < 50; i++)
        {
            int n = i;
            loop.Schedule(SimTime.FromMilliseconds(n % 3), () => order.Add(n), "t");
        }
        loop.RunUntilIdle();
        var expected = Enumerable.Range(0, 50).OrderBy(n => n % 3).ThenBy(n => n).ToList();
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Run_until_advances_the_clock_to_the_requested_time_and_runs_only_due_events()
    {
        var loop = new EventLoop();
        var seen = new List<SimTime>();
        loop.Schedule(new SimTime(999), () => seen.Add(loop.Now), "a");
        loop.Schedule(new SimTime(1001), () => seen.Add(loop.Now), "b");
        loop.RunUntil(new SimTime(1000));
        Assert.Equal([new SimTime(999)], seen);
        Assert.Equal(new SimTime(1000), loop.Now);
        loop.RunUntil(new SimTime(1001));
        Assert.Equal([new SimTime(999), new SimTime(1001)], seen);
    }

    [Fact]
    public void A_cancelled_timer_never_runs_and_cannot_be_cancelled_twice()
    {
        var loop = new EventLoop();
        bool ran = false;
        var h = loop.Schedule(SimTime.FromMicroseconds(5), () => ran = true, "x");
        Assert.True(loop.Cancel(h));
        Assert.False(loop.Cancel(h));
        Assert.Equal(0, loop.RunUntilIdle());
        Assert.False(ran);
        Assert.Equal(0, loop.Pending);
    }

    [Fact]
    public void A_reused_slot_does_not_let_an_old_handle_cancel_a_new_timer()
    {
        var loop = new EventLoop();
        var old = loop.Schedule(SimTime.Zero, () => { }, "old");
        loop.RunUntilIdle();
        bool ran = false;
        loop.Schedule(SimTime.Zero, () => ran = true, "new");
        Assert.False(loop.Cancel(old));
        loop.RunUntilIdle();
        Assert.True(ran);
    }

    [Fact]
    public void Timers_scheduled_from_a_callback_run_after_the_current_instant_ones()
    {
        var loop = new EventLoop();
        var order = new List<string>();
        loop.Schedule(SimTime.Zero, () => { order.Add("a"); loop.Schedule(SimTime.Zero, () => order.Add("c"), "c"); }, "a");
        loop.Schedule(SimTime.Zero, () => order.Add("b"), "b");
        loop.RunUntilIdle();
        Assert.Equal(["a", "b", "c"], order);
    }

    [Fact]
    public void A_timer_in_the_past_is_refused()
    {
        var loop = new EventLoop();
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.Schedule(new SimTime(-1), () => { }, "bad"));
    }

    [Fact]
    public void Heap_order_matches_a_sorted_model_for_random_schedules()
    {
        Gen.Long[0, 1000].Array[1, 200].Sample(delays =>
        {
            var loop = new EventLoop();
            var fired = new List<(long Due, int Index)>();
            for (int i = 0; i < delays.Length; i++)
            {
                int n = i;
                loop.Schedule(new SimTime(delays[n]), () => fired.Add((loop.Now.Nanoseconds, n)), "p");
            }
            loop.RunUntilIdle();
            var model = delays.Select((d, i) => (d, i)).OrderBy(x => x.d).ThenBy(x => x.i).ToList();
            return fired.SequenceEqual(model);
        });
    }
}
