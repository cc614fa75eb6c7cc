using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// Runs one fatal-error recovery of the shared bus and measures its latency in virtual time against
/// the floor the recovery states (<see cref="Bridgekeeper.Hypervisor.Recovery.RecoverySpecMinimum"/>):
/// owners' waits, SBR held 1 ms, link training, 100 ms after link up (PCIe Base 6.0 §6.6.1).
/// </summary>
public static class RecoveryLatency
{
    public readonly record struct Result(SimTime Latency, SimTime Floor)
    {
        public double Ratio => (double)Latency.Nanoseconds / Floor.Nanoseconds;
    }

    public static Result Measure(SimTime slowestQuiesce)
    {
        using var rig = new RecoveryRig();
        rig.Fabric.RecordAccesses = false;
        rig.Assign(A, new DomainId(1), GuestDriverProfile.Cooperative(slowestQuiesce));
        rig.Assign(B, new DomainId(2), GuestDriverProfile.Cooperative(new SimTime(slowestQuiesce.Nanoseconds / 2), bySbrWrite: false));
        rig.Assign(C, DomainId.Hardware, GuestDriverProfile.Cooperative(new SimTime(slowestQuiesce.Nanoseconds / 4)), Bridgekeeper.Hypervisor.Recovery.GuestNotificationStyle.ChannelOnly);
        rig.Run(1);
        rig.RaiseNative(A, AerCapability.MalformedTlp);
        rig.Run(slowestQuiesce.Nanoseconds / 1_000_000 + 1000);
        var start = rig.Sink.OfKind(EventKinds.ErrorDetected).First().Time;
        var complete = rig.Sink.OfKind(EventKinds.RecoveryComplete).Single();
        // The floor the recovery states itself (RecoverySpecMinimum), the one simulate's summary divides by.
        var floor = (SimTime)rig.Sink.Detail(complete, "specMinimum")!;
        return new Result(complete.Time - start, floor);
    }
}
