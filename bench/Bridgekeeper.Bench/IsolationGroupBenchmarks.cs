using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Topology;

namespace Bridgekeeper.Bench;

/// <summary>Isolation groups for a full segment of 65,536 functions (goal: at most 30 ms per policy).</summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class IsolationGroupBenchmarks
{
    private PciTopology _topology = null!;

    [GlobalSetup]
    public void Setup()
    {
        _topology = PciTopology.FromFunctions(FullSegment.Functions());
        if (_topology.Count != 65_536 || !_topology.Warnings.IsEmpty)
            throw new InvalidOperationException($"full segment has {_topology.Count} functions and {_topology.Warnings.Length} warnings");
    }

    [Benchmark]
    public int LinuxPolicy() => IsolationGroupBuilder.Build(_topology, GroupingPolicy.Linux).Groups.Length;

    [Benchmark]
    public int StrictPolicy() => IsolationGroupBuilder.Build(_topology, GroupingPolicy.Strict).Groups.Length;
}
