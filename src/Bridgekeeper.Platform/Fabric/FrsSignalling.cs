using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Frs = Bridgekeeper.Pci.FrsQueueingCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Function Readiness Status (PCIe Base 6.0 §6.22.2-3). A function whose Device Capabilities 2 says
/// FRS Supported (bit 31, §7.5.3.15) sends an FRS Message, routed to the Root Complex, at the instant
/// it becomes Configuration-Ready after an FRS Event: FLR, D3hot→D0, and (from a PF) VF Enable set or
/// cleared; a Downstream Port with DRS Signaling Control = 10b turns a received DRS Message into one.
/// The Root Port above (the RCEC of the segment, for an RCiEP) enters it in its FRS Queueing
/// capability (§7.8.10) when it has one: in order, up to FRS Queue Max Depth; a message that finds
/// the queue full is discarded and sets FRS Message Overflow. FRS Message Received or Overflow going
/// 0→1 raises the FRS interrupt when FRS Interrupt Enable is set: an MSI/MSI-X (vector = FRS Interrupt
/// Message Number) when either is on, otherwise the port's wired SPI, held while an enabled bit is set
/// (shared with AER, <see cref="RootPortInterrupts"/>). Writing the FRS Message Queue register removes the oldest entry; a
/// Root Port's queue empties when its link goes to DL_Down. Without an FRS Queueing capability on
/// the way the message is not recorded anywhere (a Root Complex without FRS ignores it).
/// </summary>
internal sealed class FrsSignalling(SimGic gic, EventLoop loop)
{

    /// <summary>RCEC collecting for RCiEPs of a segment (set by the machine).</summary>
    public Func<uint, SimFunction?>? EventCollectorOf { get; set; }

    /// <summary>Every FRS Message sent, oldest first.</summary>
    public List<FrsMessage> Sent { get; } = [];

    public static bool Supports(SimFunction f) =>
        f.IsPcie && (f.Config.ReadUInt32(f.PcieCapability + Pcie.DeviceCapabilities2) & Pcie.DevCap2FrsSupported) != 0;

    /// <summary>Sends an FRS Message from <paramref name="f"/> now, if the function supports FRS.</summary>
    public void Send(SimFunction f, FrsReason reason)
    {
        if (!Supports(f) || f.Removed) return;
        var collector = CollectorOf(f);
        bool overflowed = false;
        if (collector is not null) overflowed = !Enqueue(collector, f.Address.RequesterId.Value, reason);
        Sent.Add(new FrsMessage(loop.Now, f, f.Address.RequesterId.Value, reason, collector, overflowed));
    }

    /// <summary>Sends an FRS Message from <paramref name="f"/> when it becomes ready at <paramref name="readyAt"/>, unless reset again first.</summary>
    public void SendWhenReady(SimFunction f, FrsReason reason)
    {
        if (!Supports(f) || f.ReadyAt.Nanoseconds == long.MaxValue || f.Readiness.NeverReady) return;
        if (f.ReadyAt <= loop.Now) { Send(f, reason); return; }
        int epoch = f.ResetEpoch;
        loop.ScheduleAt(f.ReadyAt, () => { if (f.ResetEpoch == epoch && !f.InReset) Send(f, reason); }, "frs");
    }

    /// <summary>Software wrote the FRS Message Queue register: the oldest entry leaves the queue.</summary>
    public static void OnQueueWritten(SimFunction collector)
    {
        if (collector.FrsQueue.Count > 0) collector.FrsQueue.Dequeue();
        ShowOldest(collector);
    }

    /// <summary>§6.22.3: a Root Port's queue empties when its link goes to DL_Down.</summary>
    public static void OnLinkDown(SimFunction rootPort)
    {
        if (rootPort.FrsCapability == 0 || rootPort.PortType != PciePortType.RootPort) return;
        rootPort.FrsQueue.Clear();
        ShowOldest(rootPort);
    }

    private SimFunction? CollectorOf(SimFunction f)
    {
        if (f.HasRootErrorRegisters) return f.FrsCapability != 0 ? f : null; // a Root Port's or RCEC's own message
        if (f.PortType == PciePortType.RCiEP) return EventCollectorOf?.Invoke(f.Address.Segment) is { FrsCapability: not 0 } rcec ? rcec : null;
        var root = PcieFabric.RootPortOf(f);
        return root is { FrsCapability: not 0 } ? root : null;
    }

    private bool Enqueue(SimFunction collector, ushort requesterId, FrsReason reason)
    {
        var c = collector.Config;
        int cap = collector.FrsCapability;
        int depth = (int)(c.ReadUInt32(cap + Frs.Capability) & Frs.MaxDepthMask);
        ushort status = c.ReadUInt16(cap + Frs.Status);
        bool accepted = collector.FrsQueue.Count < depth;
        ushort bit = accepted ? Frs.MessageReceived : Frs.MessageOverflow;
        if (accepted)
        {
            collector.FrsQueue.Enqueue(Frs.QueueRegister(requesterId, (int)reason, 0));
            ShowOldest(collector);
        }
        c.SetBits(cap + Frs.Status, 2, bit);
        bool rising = (status & bit) == 0;
        if (!rising || (c.ReadUInt16(cap + Frs.Control) & Frs.InterruptEnable) == 0) return accepted;
        if (RootPortInterrupts.MessageSignalled(collector))
        {
            uint vector = c.ReadUInt32(cap + Frs.Capability) >> Frs.InterruptMessageNumberShift & 0x1F;
            gic.SignalLpi(RootPortInterrupts.ItsDeviceId(collector), vector);
        }
        else if (collector.WiredInterrupt is uint spi)
        {
            gic.SetSpiLevel(spi, true);
        }
        return accepted;
    }

    private static void ShowOldest(SimFunction collector)
    {
        var q = collector.FrsQueue;
        uint value = q.Count == 0 ? 0 : (q.Peek() & 0x000F_FFFF) | (uint)q.Count << 20;
        collector.Config.Store(collector.FrsCapability + Frs.MessageQueue, 4, value);
    }
}
