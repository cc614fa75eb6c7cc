using BenchmarkDotNet.Attributes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Bench;

/// <summary>
/// A correctable-error storm through the native path: per error the device latches Correctable
/// Status, the root port its Root Error Status, and the handler reads, locates, clears, counts and
/// rate-limits. One uncorrectable error is injected in the middle of each batch; setup checks it was
/// stored and started a recovery. Goal: ≥ 1M correctable events/s, no uncorrectable lost.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class CorrectableStormBenchmarks
{
    private const int Batch = 100_000;
    private RecoveryRig _rig = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rig = new RecoveryRig(correctableBurst: 10);
        _rig.Fabric.RecordAccesses = false;
        _rig.Assign(A, new DomainId(1), GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        Storm(withUncorrectable: true);
        int uncorrectable = _rig.Sink.OfKind(EventKinds.ErrorDetected).Count(e => e.Device == A);
        Console.WriteLine($"// storm check: {_rig.Intake.CorrectableSeen} correctable seen, {_rig.Intake.Limiter.Suppressed} suppressed, uncorrectable stored {uncorrectable}, recoveries {_rig.Coordinator.History.Count}");
        if (uncorrectable != 1 || _rig.Coordinator.History.Count != 1) throw new InvalidOperationException("uncorrectable error lost in the storm");
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long CorrectableStorm() => Storm(withUncorrectable: false);

    private long Storm(bool withUncorrectable)
    {
        for (int i = 0; i < Batch; i++)
        {
            _rig.Fabric.InjectCorrectable(D, AerCapability.ReceiverError);
            if (withUncorrectable && i == Batch / 2) { _rig.Fabric.InjectUncorrectable(A, AerCapability.MalformedTlp); _rig.Gic.Raise(Rp1Spi); }
            _rig.Gic.Raise(Rp2Spi);
        }
        return _rig.Intake.CorrectableSeen;
    }
}
