using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Topology;

namespace Bridgekeeper.Bench;

/// <summary>
/// One function hot-added to a full segment (65,535 functions already grouped) and grouped incrementally
/// under the Linux policy (goal: at most 5 µs). Each operation adds the segment's last VF and removes it again.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class HotplugGroupBenchmarks
{
    private LinuxHotplugGroups _groups = null!;
    private FunctionConfig _vf = null!;
    private FunctionConfig _rciep = null!;

    [GlobalSetup]
    public void Setup()
    {
        var all = FullSegment.Functions();
        _vf = all[^1];
        // The last RCiEP (00:1f.7) is re-added as a multifunction sibling, which walks its slot.
        _rciep = all.Single(f => f.Address == new Bridgekeeper.Pci.Sbdf(0, 0, 0x1f, 7));
        _groups = new LinuxHotplugGroups(PciTopology.FromFunctions(all.Where(f => f != _vf && f != _rciep)));
    }

    [Benchmark]
    public int HotAddVirtualFunction()
    {
        int g = _groups.Add(_vf);
        _groups.RemoveLastAdded(_vf.Address);
        return g;
    }

    [Benchmark]
    public int HotAddMultifunctionSibling()
    {
        int g = _groups.Add(_rciep);
        _groups.RemoveLastAdded(_rciep.Address);
        return g;
    }
}
