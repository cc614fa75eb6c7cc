using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform.Tests;

public class DeterminismTests
{
    private static List<string> Run(ulong seed)
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer, new MachineOptions(Seed: seed));
        var trace = new List<string>();
        m.EventLoop.Trace = (t, label) => trace.Add($"{t.Nanoseconds} {label}");
        foreach (var name in new[] { "nvme0", "nvme1", "cx5", "nvme10" })
        {
            var f = m[name];
            f.Config.Write(0x04, 2, 0x0006);
            m.StartDma(f.Address, 3.7);
        }
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(20));
        foreach (var fault in m.Iommu.FaultHistory) trace.Add($"fault {fault.Time.Nanoseconds} {fault.StreamId:x} {fault.Address:x} {fault.Write}");
        return trace;
    }

    [Fact]
    public void The_same_seed_gives_the_same_event_sequence()
    {
        var a = Run(42);
        var b = Run(42);
        Assert.True(a.Count > 200);
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_different_seed_gives_different_dma_addresses()
    {
        Assert.NotEqual(Run(42), Run(43));
    }
}
