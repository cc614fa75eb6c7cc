using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

namespace Bridgekeeper.Bench;

/// <summary>
/// One complete fatal-error recovery of a bus shared by three owners (votes, quiesce, DMA block, SBR,
/// readiness, restore, resume), run on virtual time. Wall time is what a campaign pays per recovery;
/// the virtual-time ratio to the floor (spec minimum + slowest quiesce; goal ≤ 1.05) is printed at setup.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RecoveryLatencyBenchmarks
{
    [Params(0, 30, 250)]
    public int SlowestQuiesceMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var r = RecoveryLatency.Measure(SimTime.FromMilliseconds(SlowestQuiesceMs));
        Console.WriteLine($"// recovery latency (virtual): {r.Latency} floor {r.Floor} ratio {r.Ratio:0.0000}");
    }

    [Benchmark]
    public double OneRecovery() => RecoveryLatency.Measure(SimTime.FromMilliseconds(SlowestQuiesceMs)).Ratio;
}
