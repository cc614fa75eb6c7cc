using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Bench;

/// <summary>
/// The simulator's hot paths: scheduling and running timer events (one operation = 1000 events), and
/// config reads/writes through ECAM routing on the built-in Arm server (one operation = 1000 accesses
/// to a function three bridges deep).
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private readonly EventLoop _loop = new();
    private readonly Action _tick = () => { };
    private SimulatedMachine _machine = null!;
    private Sbdf _nvme;

    [GlobalSetup]
    public void Setup()
    {
        _machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        _nvme = _machine["nvme0"].Address;
        for (int i = 0; i < 2000; i++) _loop.Schedule(new SimTime(i), _tick, "warm");
        _loop.RunUntilIdle();
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public long ScheduleAndRun1000Events()
    {
        for (int i = 0; i < 1000; i++) _loop.Schedule(new SimTime(i & 63), _tick, "bench");
        return _loop.RunUntilIdle();
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public uint ConfigRead1000()
    {
        uint sum = 0;
        var config = _machine.Config;
        for (int i = 0; i < 1000; i++) sum += config.Read(_nvme, (i & 63) << 2, 4);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void ConfigWrite1000()
    {
        var config = _machine.Config;
        for (int i = 0; i < 1000; i++) config.Write(_nvme, 0x3C, 1, (uint)i);
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public long DmaThroughSmmu1000()
    {
        var m = _machine;
        m.Config.Write(_nvme, 0x04, 2, 0x0006);
        m.Iommu.Attach(m.StreamIdOf(_nvme), new DomainId(1));
        m.StartDma(_nvme, 1000);
        m.EventLoop.RunFor(SimTime.FromMilliseconds(1));
        m.StopDma(_nvme);
        return m.Dma.Issued;
    }
}
