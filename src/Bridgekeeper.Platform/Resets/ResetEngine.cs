using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Conventional resets and link state (PCIe Base 6.0 §6.6): Secondary Bus Reset, Function Level
/// Reset, link disable/down, surprise removal and hot add. While a bridge holds Secondary Bus Reset
/// (Bridge Control bit 6) everything below it is in reset; when it deasserts, the link trains (time
/// by speed, <see cref="LinkTiming"/>), then every function is Configuration-Ready only after its own
/// readiness time (Immediate Readiness: at once; a valid Readiness Time Reporting capability: the
/// time it reports; otherwise the model's), answering RRS until then. A reset returns config space
/// to its defaults except sticky bits (<see cref="ResetKind.Conventional"/>), which also clears the
/// bus numbers of bridges below, so software must restore them before it can reach further down.
/// </summary>
public sealed class ResetEngine
{
    private const ushort StatusImmediateReadiness = 0x0001;
    private const ushort LinkControlLinkDisable = 0x0010;
    private const ushort SlotStatusPresenceDetectChanged = 0x0008;
    private const ushort SlotStatusPresenceDetectState = 0x0040;
    private const ushort SlotStatusDllStateChanged = 0x0100;

    private readonly EventLoop _loop;
    private readonly Dictionary<SimFunction, int> _generation = [];

    internal ResetEngine(EventLoop loop) => _loop = loop;

    /// <summary>Removes a PF's VFs (VF Enable cleared by the reset); set by the machine.</summary>
    internal Action<SimFunction>? DisableVirtualFunctions { get; set; }

    /// <summary>Called after a function's config space returned to defaults (INTx deasserts); set by the machine.</summary>
    internal Action<SimFunction>? FunctionReset { get; set; }

    /// <summary>Receives DRS Messages at downstream ports (set by the machine).</summary>
    internal DrsSignalling? Drs { get; set; }

    /// <summary>Sends FRS Messages when a function becomes ready after FLR or D3hot→D0 (set by the machine).</summary>
    internal FrsSignalling? Frs { get; set; }

    /// <summary>Reports a link going down to AER as Surprise Down at the port (set by the machine).</summary>
    internal Action<SimFunction>? SurpriseDown { get; set; }

    internal void OnBridgeControlWritten(SimFunction bridge, uint before, uint after)
    {
        bool was = (before >> 16 & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        bool now = (after >> 16 & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        if (!was && now) HoldBelow(bridge);
        else if (was && !now) ReleaseBelow(bridge);
    }

    internal void OnLinkControlWritten(SimFunction port, uint before, uint after)
    {
        if (!port.IsDownstreamPort) return;
        bool was = (before & LinkControlLinkDisable) != 0, now = (after & LinkControlLinkDisable) != 0;
        if (!was && now) HoldBelow(port);
        else if (was && !now) ReleaseBelow(port);
    }

    /// <summary>Device Control bit 15 (§7.5.3.4, §6.6.2): reads as zero; on an FLR-capable function it resets only that function.</summary>
    internal void OnDeviceControlWritten(SimFunction f, uint after)
    {
        if ((after & Pcie.DevCtlInitiateFlr) == 0) return;
        var c = f.Config;
        c.ClearBits(f.PcieCapability + Pcie.DeviceControl, 2, Pcie.DevCtlInitiateFlr);
        if (f.IsBridge || (c.ReadUInt32(f.PcieCapability + Pcie.DeviceCapabilities) & Pcie.DevCapFlrCapable) == 0) return;
        FunctionLevelReset(f);
    }

    /// <summary>Resets one function now (§6.6.2); it answers RRS until its FLR readiness time passes.</summary>
    public void FunctionLevelReset(SimFunction f)
    {
        if (f.SriovCapability != 0) DisableVirtualFunctions?.Invoke(f);
        f.Config.Reset(ResetKind.Conventional);
        f.AerLog.Clear();
        FunctionReset?.Invoke(f);
        f.ResetEpoch++;
        f.ReadyAt = f.Readiness.NeverReady ? new SimTime(long.MaxValue) : _loop.Now + ReadinessAfter(f, ReadinessEvent.Flr);
        MarkReady(f);
        Frs?.SendWhenReady(f, FrsReason.FlrCompleted); // §6.22.2: FLR is an FRS Event
    }

    /// <summary>
    /// D3hot→D0 with No_Soft_Reset = 0 (§5.3.1.4.1): the function resets internally and answers RRS
    /// until its D3hot→D0 recovery time passes (10 ms, §5.9; or its reported time; or at once with
    /// PMC Immediate_Readiness_on_Return_to_D0).
    /// </summary>
    public void D3HotToD0Reset(SimFunction f)
    {
        if (f.SriovCapability != 0) DisableVirtualFunctions?.Invoke(f);
        f.Config.Reset(ResetKind.Conventional);
        f.AerLog.Clear();
        FunctionReset?.Invoke(f);
        f.ResetEpoch++;
        f.ReadyAt = f.Readiness.NeverReady ? new SimTime(long.MaxValue) : _loop.Now + ReadinessAfter(f, ReadinessEvent.D3HotToD0);
        MarkReady(f);
        Frs?.SendWhenReady(f, FrsReason.D3HotToD0Completed);
    }

    /// <summary>D3hot→D0 with No_Soft_Reset = 1: the function keeps its state and is ready at once (§6.22.2 FRS Event all the same).</summary>
    internal void D3HotToD0WithoutReset(SimFunction f) => Frs?.Send(f, FrsReason.D3HotToD0Completed);

    // A timeline marker at the instant a function becomes Configuration-Ready (nothing changes then:
    // the fabric compares the clock with ReadyAt), so that running the loop to idle reaches it.
    private void MarkReady(SimFunction f)
    {
        if (f.ReadyAt.Nanoseconds != long.MaxValue && f.ReadyAt > _loop.Now) _loop.ScheduleAt(f.ReadyAt, NoOp, "config-ready");
    }

    private static readonly Action NoOp = () => { };

    /// <summary>Takes a downstream port's link down: everything below is reset and unreachable (§6.6.1: DL_Down is a hot reset below).</summary>
    public void LinkDown(SimFunction port, bool reportSurpriseDown)
    {
        HoldBelow(port);
        if (reportSurpriseDown) SurpriseDown?.Invoke(port);
    }

    /// <summary>Retrains a port's link after <see cref="LinkDown"/>.</summary>
    public void LinkRetrain(SimFunction port) => ReleaseBelow(port);

    /// <summary>Surprise removal (§6.7.3): the device and everything below it vanish, the port's link drops.</summary>
    public void SurpriseRemove(SimFunction device, bool reportSurpriseDown)
    {
        var port = device.UpstreamBridge;
        foreach (var f in Subtree(device)) f.Removed = true;
        if (port is null || !port.IsDownstreamPort) return;
        bool anyLeft = false;
        foreach (var f in port.SecondaryBus!.Functions) anyLeft |= !f.Removed;
        if (anyLeft) return;
        SetLink(port, up: false);
        SetSlotStatus(port, SlotStatusPresenceDetectChanged | SlotStatusDllStateChanged, presence: false);
        if (reportSurpriseDown) SurpriseDown?.Invoke(port);
    }

    /// <summary>Hot add under a downstream port (§6.7): attaches the functions, the link trains, each becomes ready after its reset readiness time.</summary>
    public void HotAdd(SimFunction port, IReadOnlyList<(SimFunction Function, int DevFn)> functions)
    {
        var bus = port.SecondaryBus ?? throw new InvalidOperationException($"{port.Name} is not a bridge");
        foreach (var (f, devFn) in functions)
        {
            if (bus.At(devFn) is { Removed: true } old) bus.Detach(old);
            bus.Attach(f, devFn);
            foreach (var d in Subtree(f)) { d.InReset = true; d.Removed = false; }
        }
        SetSlotStatus(port, SlotStatusPresenceDetectChanged, presence: true);
        ReleaseBelow(port);
    }

    private void HoldBelow(SimFunction bridge)
    {
        _generation[bridge] = Generation(bridge) + 1;
        if (bridge.IsDownstreamPort) SetLink(bridge, up: false);
        foreach (var f in bridge.Descendants().ToList()) // disabling VFs detaches them from the bus: iterate a copy
        {
            if (f.Removed) continue;
            if (f.SriovCapability != 0) DisableVirtualFunctions?.Invoke(f);
            f.InReset = true;
            f.ResetEpoch++;
            f.Config.Reset(ResetKind.Conventional);
            f.AerLog.Clear();
            FunctionReset?.Invoke(f);
            if (f.IsDownstreamPort) SetLink(f, up: false);
        }
    }

    private void ReleaseBelow(SimFunction bridge)
    {
        int generation = _generation[bridge] = Generation(bridge) + 1;
        if (!bridge.IsDownstreamPort)
        {
            // A PCIe-to-PCI bridge: the conventional bus has no link to train.
            BringUp(bridge, generation);
            return;
        }
        _loop.Schedule(TrainingTime(bridge), () => BringUp(bridge, generation), "link-up");
    }

    private void BringUp(SimFunction bridge, int generation)
    {
        if (Generation(bridge) != generation) return; // reset again, or removed, since
        if (bridge.IsDownstreamPort)
        {
            bool present = false;
            foreach (var f in bridge.SecondaryBus!.Functions) present |= !f.Removed;
            if (!present) return; // nothing to train with
            SetLink(bridge, up: true);
        }
        var latest = _loop.Now;
        foreach (var f in bridge.SecondaryBus!.Functions)
        {
            if (f.Removed) continue;
            f.InReset = false;
            f.ReadyAt = f.Readiness.NeverReady ? new SimTime(long.MaxValue) : _loop.Now + ReadinessAfter(f, ReadinessEvent.Reset);
            MarkReady(f);
            if (f.ReadyAt > latest) latest = f.ReadyAt;
            if (f.SecondaryBus is not null) ReleaseBelow(f);
        }
        // §6.22.1: the component below sends its DRS Message once Configuration-Ready.
        if (bridge.IsDownstreamPort && latest.Nanoseconds != long.MaxValue && DrsSignalling.Supports(bridge) && DrsSignalling.SentFrom(bridge.SecondaryBus!))
            _loop.ScheduleAt(latest, () => { if (Generation(bridge) == generation) Drs?.OnMessage(bridge, _loop.Now); }, "drs");
    }

    private enum ReadinessEvent { Reset, Flr, D3HotToD0 }

    private static SimTime ReadinessAfter(SimFunction f, ReadinessEvent why)
    {
        if (f.Readiness.NeverReady) return new SimTime(long.MaxValue / 2);
        if (why == ReadinessEvent.D3HotToD0) return D3HotToD0Time(f);
        if ((f.Config.ReadUInt16(ConfigHeader.Status) & StatusImmediateReadiness) != 0) return SimTime.Zero;
        if (f.RtrCapability != 0 && ReadinessTimeReportingCapability.IsValid(f.Config.Bytes, f.RtrCapability))
        {
            long ns = why == ReadinessEvent.Flr
                ? ReadinessTimeReportingCapability.FlrTimeNs(f.Config.Bytes, f.RtrCapability)
                : ReadinessTimeReportingCapability.DlUpTimeNs(f.Config.Bytes, f.RtrCapability);
            return new SimTime(ns);
        }
        return why == ReadinessEvent.Flr ? f.Readiness.AfterFlr : f.Readiness.AfterReset;
    }

    private const ushort PmcImmediateReadinessOnD0 = 0x0010;

    // §7.5.2.1 PMC bit 4, §7.9.16 D3hot to D0 Time, else §5.9's 10 ms.
    private static SimTime D3HotToD0Time(SimFunction f)
    {
        if (f.PmCapability != 0 && (f.Config.ReadUInt16(f.PmCapability + PowerManagementCapability.Capabilities) & PmcImmediateReadinessOnD0) != 0) return SimTime.Zero;
        if (f.RtrCapability != 0 && ReadinessTimeReportingCapability.IsValid(f.Config.Bytes, f.RtrCapability))
            return new SimTime(ReadinessTimeReportingCapability.D3HotToD0TimeNs(f.Config.Bytes, f.RtrCapability));
        return SimTime.FromMilliseconds(10);
    }

    private static SimTime TrainingTime(SimFunction port)
    {
        if (port.LinkTrainingTime is { } t) return t;
        return LinkTiming.TrainingTime((int)(port.Config.ReadUInt32(port.PcieCapability + Pcie.LinkCapabilities) & 0xF));
    }

    // Link Status DLL Link Active (§7.5.3.8) and, with a slot, Data Link Layer State Changed (§7.5.3.11).
    private static void SetLink(SimFunction port, bool up)
    {
        if (port.LinkUp == up) return;
        port.LinkUp = up;
        var c = port.Config;
        int status = port.PcieCapability + Pcie.LinkStatus;
        if (up) c.SetBits(status, 2, Pcie.LinkStaDllActive); else c.ClearBits(status, 2, Pcie.LinkStaDllActive);
        if (!up) FrsSignalling.OnLinkDown(port);
        SetSlotStatus(port, SlotStatusDllStateChanged, presence: null);
    }

    private static void SetSlotStatus(SimFunction port, ushort changed, bool? presence)
    {
        var c = port.Config;
        if ((c.ReadUInt16(port.PcieCapability + Pcie.Capabilities) & 0x0100) == 0) return;
        int at = port.PcieCapability + Pcie.SlotStatus;
        c.SetBits(at, 2, changed);
        if (presence == true) c.SetBits(at, 2, SlotStatusPresenceDetectState);
        if (presence == false) c.ClearBits(at, 2, SlotStatusPresenceDetectState);
    }

    private int Generation(SimFunction bridge) => _generation.TryGetValue(bridge, out int g) ? g : 0;

    private static IEnumerable<SimFunction> Subtree(SimFunction f)
    {
        yield return f;
        foreach (var d in f.Descendants()) yield return d;
    }
}
