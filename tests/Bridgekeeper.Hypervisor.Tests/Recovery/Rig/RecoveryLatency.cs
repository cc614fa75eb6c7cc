using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// Runs one fatal-error recovery of the shared bus and measures its latency in virtual time against
/// the floor: what the spec makes any recovery wait (SBR held 1 ms, the link training, 100 ms after
/// link up, PCIe Base 6.0 §6.6.1) plus the slowest owner's quiesce time.
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
        var end = rig.Sink.OfKind(EventKinds.RecoveryComplete).Single().Time;
        var floor = rig.Options.SbrHold + rig.Fabric.LinkTrainTime + rig.Options.ReadyDelay + slowestQuiesce;
        return new Result(end - start, floor);
    }
}
