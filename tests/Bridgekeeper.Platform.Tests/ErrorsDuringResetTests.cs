using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// An error injected at a function that cannot take it — held in reset, not yet Configuration-Ready,
/// or removed — is dropped, the caller is told why, and the machine records it (PCIe Base 6.0 §6.6.1,
/// §2.3.1, §2.9.1, §6.7.3).
/// </summary>
public class ErrorsDuringResetTests
{
    private static void SetSbr(SimulatedMachine m, SimFunction bridge, bool on)
    {
        uint bc = m.Config.Read(bridge.Address, ConfigHeader.BridgeControl, 2);
        m.Config.Write(bridge.Address, ConfigHeader.BridgeControl, 2, on ? bc | ConfigHeader.BridgeControlSecondaryBusReset : bc & ~(uint)ConfigHeader.BridgeControlSecondaryBusReset);
    }

    private static uint UncorrectableStatus(SimFunction f) => f.Config.ReadUInt32(f.AerCapability + Aer.UncorrectableStatus);

    [Fact]
    public void An_error_at_a_function_held_in_secondary_bus_reset_is_dropped_and_recorded()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var (rp, cx5) = (m["rp1"], m["cx5"]);
        var address = cx5.Address; // before the reset clears the bus numbers below
        var traced = new List<string>();
        m.EventLoop.Trace = (_, label) => traced.Add(label);
        m.EventLoop.RunUntil(SimTime.FromMilliseconds(2));
        SetSbr(m, rp, true);
        Assert.Equal(AerInjectOutcome.HeldInReset, m.Aer.Inject(cx5, new AerErrorRecord(Aer.PoisonedTlpReceived, address.RequesterId.Value, false, false, false, 0, 0, 0, 0)));
        var dropped = Assert.Single(m.DroppedErrors);
        Assert.Equal((SimTime.FromMilliseconds(2), cx5, AerInjectOutcome.HeldInReset), (dropped.Time, dropped.Function, dropped.Outcome));
        Assert.Equal(Aer.PoisonedTlpReceived, dropped.Error.Status);
        Assert.Contains("aer-error-dropped", traced);
        Assert.Equal(0u, UncorrectableStatus(cx5));
        Assert.Equal(0u, rp.Config.ReadUInt32(rp.AerCapability + Aer.RootErrorStatus));
    }

    [Fact]
    public void An_error_at_a_function_still_answering_rrs_after_flr_is_dropped_until_the_nanosecond_it_is_ready()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var nvme = m["nvme0"];
        var a = nvme.Address;
        int devctl = nvme.PcieCapability + PciExpressCapability.DeviceControl;
        m.Config.Write(a, devctl, 2, m.Config.Read(a, devctl, 2) | PciExpressCapability.DevCtlInitiateFlr);
        var ready = SimTime.FromMilliseconds(40); // the PM9A3 model's FLR readiness
        m.EventLoop.RunUntil(ready - new SimTime(1));
        Assert.Equal(AerInjectOutcome.NotReady, m.InjectAerError(a, Aer.MalformedTlp, correctable: false));
        Assert.Equal(0u, UncorrectableStatus(nvme));
        m.EventLoop.RunUntil(ready);
        Assert.Equal(AerInjectOutcome.Injected, m.InjectAerError(a, Aer.MalformedTlp, correctable: false));
        Assert.Equal(Aer.MalformedTlp, UncorrectableStatus(nvme));
        var dropped = Assert.Single(m.DroppedErrors);
        Assert.Equal((ready - new SimTime(1), AerInjectOutcome.NotReady), (dropped.Time, dropped.Outcome));
    }

    [Fact]
    public void An_error_at_a_surprise_removed_function_is_dropped_as_removed()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var nvme = m["nvme1"];
        var a = nvme.Address;
        m.SurpriseRemove(a, reportSurpriseDown: false);
        Assert.Null(m.Find(a)); // the slot's link is down: config requests complete as UR
        Assert.Equal(AerInjectOutcome.Removed, m.Aer.Inject(nvme, new AerErrorRecord(Aer.CompletionTimeout, a.RequesterId.Value, false, false, false, 0, 0, 0, 0)));
        Assert.Equal(AerInjectOutcome.Removed, Assert.Single(m.DroppedErrors).Outcome);
    }

    [Fact]
    public void Invalid_status_is_still_reported_as_invalid_for_a_function_in_reset()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var (rp, cx5) = (m["rp1"], m["cx5"]);
        SetSbr(m, rp, true);
        Assert.Equal(AerInjectOutcome.InvalidStatus, m.Aer.Inject(cx5, new AerErrorRecord(0x3000, 0, false, false, false, 0, 0, 0, 0)));
        Assert.Empty(m.DroppedErrors);
    }
}
