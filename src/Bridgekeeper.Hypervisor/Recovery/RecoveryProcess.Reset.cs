using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.RasLog.DurableTimeline;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// The reset itself, once every owner quiesced or timed out: DMA blocked for the whole scope, then
/// Secondary Bus Reset held at least Trst (PCIe Base 6.0 §7.5.1.3.13, §6.6.1), or, for a scope that is
/// one function on a root bus, FLR after its pending transactions (§6.6.2).
/// </summary>
public sealed partial class RecoveryProcess
{
    private void AssertReset()
    {
        int? flrAt = Scope.IsFunctionLevel ? FlrCapablePcie() : null;
        if (Scope.IsFunctionLevel && flrAt is null) { Fire(RecoveryTrigger.ResetUnsupported); return; }
        foreach (var p in Participants) _ctx.Iommu.Block(_ctx.Owners.StreamIdOf(p.Function));
        _dmaBlocked = true;
        EmitScope(EventKinds.DmaBlocked, "DMA blocked for the scope", D("functions", Participants.Count));
        if (flrAt is int flrPcie) { AwaitPendingTransactions(flrPcie, attempt: 0); return; }
        // Whether the DRS Message can end the readiness wait; a stale DRS Message Received is cleared
        // first so that the bit afterwards speaks of this reset only (§6.22.1, §7.5.3.20).
        _drs = BridgePcie is not null && DeviceReadinessStatus.Usable(_ctx.Config, _ctx.Capabilities, Scope.Bridge);
        if (_drs) DeviceReadinessStatus.Clear(_ctx.Config, Scope.Bridge, BridgePcie!.Value);
        uint bc = _ctx.Config.Read(Scope.Bridge, ConfigHeader.BridgeControl, 2);
        EmitScope(EventKinds.SbrAssert, "Secondary Bus Reset asserted", D("hold_us", _ctx.Options.SbrHold.Microseconds));
        _ctx.Config.Write(Scope.Bridge, ConfigHeader.BridgeControl, 2, bc | ConfigHeader.BridgeControlSecondaryBusReset);
        _sbrAsserted = true;
        Arm(_ctx.Options.SbrHold, () => Fire(RecoveryTrigger.HoldElapsed), "sbr-hold");
    }

    /// <summary>
    /// Before an FLR, Linux's <c>pci_wait_for_pending_transaction</c>: Device Status Transactions
    /// Pending is checked at 0, 100, 200 and 400 ms (PCIe Base 6.0 §6.6.2 recommends waiting for
    /// outstanding completions); after that the FLR goes ahead anyway (the IOMMU already blocks DMA).
    /// </summary>
    private void AwaitPendingTransactions(int pcie, int attempt)
    {
        bool pending = (_ctx.Config.Read(Scope.Bridge, pcie + PciExpressCapability.DeviceStatus, 2) & PciExpressCapability.DevStaTransactionsPending) != 0;
        if (pending && attempt < 3)
        {
            Arm(SimTime.FromMilliseconds(100L << attempt), () => AwaitPendingTransactions(pcie, attempt + 1), "flr-pending");
            return;
        }
        uint devCtl = _ctx.Config.Read(Scope.Bridge, pcie + PciExpressCapability.DeviceControl, 2);
        EmitScope(EventKinds.FlrInitiated, "Function Level Reset initiated", D("transactions_pending", pending));
        _ctx.Config.Write(Scope.Bridge, pcie + PciExpressCapability.DeviceControl, 2, devCtl | PciExpressCapability.DevCtlInitiateFlr);
        Fire(RecoveryTrigger.HoldElapsed);
    }

    /// <summary>The PCI Express capability of a function-level scope when Device Capabilities says FLR is supported (§7.5.3.3 bit 28).</summary>
    private int? FlrCapablePcie() =>
        _ctx.Capabilities.Of(Scope.Bridge).PciExpress is int p
        && (_ctx.Config.Read(Scope.Bridge, p + PciExpressCapability.DeviceCapabilities, 4) & PciExpressCapability.DevCapFlrCapable) != 0 ? p : null;

    private void ReleaseSbr()
    {
        uint bc = _ctx.Config.Read(Scope.Bridge, ConfigHeader.BridgeControl, 2);
        _ctx.Config.Write(Scope.Bridge, ConfigHeader.BridgeControl, 2, bc & ~(uint)ConfigHeader.BridgeControlSecondaryBusReset);
        _sbrAsserted = false;
        EmitScope(EventKinds.SbrDeassert, "Secondary Bus Reset deasserted");
    }
}
