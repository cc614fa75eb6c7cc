using System.Buffers.Binary;
using System.Numerics;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Error logging and signalling, after QEMU's <c>hw/pci/pcie_aer.c</c> (the reference for these
/// semantics), which follows PCIe Base 6.0 §6.2.5 (Figure 6-2, logging) and §6.2.6 (Figure 6-3,
/// message control): a function latches Device Status and the AER status bit, logs the First Error
/// Pointer and header (or queues it when Multiple Header Recording is enabled, §6.2.4.2), and sends
/// ERR_COR / ERR_NONFATAL / ERR_FATAL upstream when Device Control or SERR# allows; every bridge on
/// the way sets Received System Error and forwards only with Bridge Control SERR# Enable; the root
/// port latches Root Error Status and Error Source Identification (§7.8.4.10-11) and interrupts on a
/// rising edge of an enabled condition (§6.2.4.1.2). Two behaviours are QEMU 10's as observed on the
/// reference machine (linux-groups/j_aer_latched): an uncorrectable message needs SERR# Enable and the
/// Device Control bit at every hop, and an ERR_COR needs Correctable Error Reporting Enable.
/// An error injected at a function that cannot take it — held in reset, not yet
/// Configuration-Ready, or removed — is dropped, returned as such and kept in <see cref="Dropped"/>
/// (and the loop's trace) rather than lost or deferred: the spec has no way for a function to log
/// an error before it is ready (§6.6.1, §2.3.1), and reset has cleared its reporting enables.
/// </summary>
public sealed class AerEngine
{
    /// <summary>QEMU's PCI_ERR_UNC_SUPPORTED: DLP, SDN and bits 12 through 25.</summary>
    public const uint SupportedUncorrectable = 0x03FF_F030;

    /// <summary>QEMU's PCI_ERR_COR_SUPPORTED: every correctable bit of §7.8.4.5.</summary>
    public const uint SupportedCorrectable = Aer.CorrectableBits;

    private const uint TlpPrefixLogPresent = 1u << 11;
    private const int QemuTlpPrefixLog = 0x38;

    /// <summary>QEMU's default fatal set when a function has no AER capability (§6.2.7 tables).</summary>
    private const uint DefaultFatal = Aer.UncorrectableInternalError | Aer.DataLinkProtocolError | Aer.SurpriseDownError
        | Aer.ReceiverOverflow | Aer.FlowControlProtocolError | Aer.MalformedTlp;

    private readonly PcieFabric _fabric;
    private readonly RootPortInterrupts _interrupts;
    private readonly EventLoop _loop;

    internal AerEngine(PcieFabric fabric, RootPortInterrupts interrupts, EventLoop loop)
    {
        _fabric = fabric;
        _interrupts = interrupts;
        _loop = loop;
    }

    public HeaderLogByteOrder HeaderByteOrder { get; set; } = HeaderLogByteOrder.Spec;

    /// <summary>Hardware stores, or QEMU 10's stray ones as well.</summary>
    public AerQuirks Quirks { get; set; } = AerQuirks.None;

    /// <summary>Errors injected at functions that could not take them, oldest first.</summary>
    public List<DroppedAerError> Dropped { get; } = [];

    /// <summary>Where firmware-first root ports hand their messages.</summary>
    public IFirmwareFirstSink? FirmwareFirst { get; set; }

    /// <summary>The RCEC that collects errors of root-complex integrated endpoints, per segment (§6.2.8.1).</summary>
    public Func<uint, SimFunction?>? EventCollectorOf { get; set; }

    /// <summary>Injects one error at <paramref name="f"/> as <c>pcie_aer_inject_error</c> does.</summary>
    public AerInjectOutcome Inject(SimFunction f, in AerErrorRecord error)
    {
        if (!f.IsPcie) return AerInjectOutcome.NotPciExpress;
        uint status = error.Status & (error.Correctable ? SupportedCorrectable : SupportedUncorrectable);
        if (status == 0 || (status & (status - 1)) != 0) return AerInjectOutcome.InvalidStatus;
        if (f.Removed) return Drop(f, error, AerInjectOutcome.Removed);
        if (f.InReset) return Drop(f, error, AerInjectOutcome.HeldInReset);
        if (_loop.Now < f.ReadyAt) return Drop(f, error, AerInjectOutcome.NotReady);

        var c = f.Config;
        int exp = f.PcieCapability, aer = f.AerCapability;
        ushort devctl = c.ReadUInt16(exp + Pcie.DeviceControl);
        ushort devsta = c.ReadUInt16(exp + Pcie.DeviceStatus);
        bool unsupportedRequest = !error.Correctable && error.Status == Aer.UnsupportedRequest;
        bool overflow = false;
        AerMessage message;

        if (error.Correctable)
        {
            if (!CorrectablePath(f, error, status, 0, false, devctl, ref devsta, unsupportedRequest, ref overflow, out message)) return Finish(f, overflow);
        }
        else
        {
            bool fatal = aer != 0 ? (status & c.ReadUInt32(aer + Aer.UncorrectableSeverity)) != 0 : (status & DefaultFatal) != 0;
            if (!fatal && error.MaybeAdvisory)
            {
                // §6.2.3.2.4: a non-fatal error that may be advisory is signalled as a correctable one.
                if (!CorrectablePath(f, error, Aer.AdvisoryNonFatal, status, true, devctl, ref devsta, unsupportedRequest, ref overflow, out message)) return Finish(f, overflow);
            }
            else if (!UncorrectablePath(f, error, status, fatal, devctl, ref devsta, unsupportedRequest, ref overflow, out message))
            {
                return Finish(f, overflow);
            }
        }
        Signal(f, message);
        return Finish(f, overflow);
    }

    /// <summary>Sends a message upstream from <paramref name="from"/> (Figure 6-3), as if the function had detected the error.</summary>
    public void Signal(SimFunction from, AerMessage message)
    {
        for (var dev = from; dev is not null; dev = dev.UpstreamBridge)
        {
            if (!dev.IsPcie) return;
            var type = dev.PortType;
            if ((type is PciePortType.RootPort or PciePortType.UpstreamPort or PciePortType.DownstreamPort) && !BridgeForwards(dev, message)) return;
            if (!FunctionForwards(dev, message)) return;
            if (type == PciePortType.RootPort) { ReceiveAtRoot(dev, message); return; }
            if (type == PciePortType.RCiEP)
            {
                if (EventCollectorOf?.Invoke(dev.Address.Segment) is { } rcec) ReceiveAtRoot(rcec, message);
                return;
            }
        }
    }

    /// <summary>Multiple header recording on a write to Uncorrectable Error Status (QEMU pcie_aer_write_config).</summary>
    internal void OnUncorrectableStatusWritten(SimFunction f)
    {
        var c = f.Config;
        int aer = f.AerCapability;
        uint errcap = c.ReadUInt32(aer + Aer.CapabilitiesControl);
        uint firstError = 1u << (int)(errcap & Aer.FirstErrorPointerMask);
        uint uncorsta = c.ReadUInt32(aer + Aer.UncorrectableStatus);
        if ((uncorsta & firstError) == 0)
        {
            if ((errcap & Aer.MultipleHeaderRecordingEnable) == 0 || f.AerLog.Count == 0)
            {
                c.Store(aer + Aer.CapabilitiesControl, 4, errcap & ~(Aer.FirstErrorPointerMask | TlpPrefixLogPresent));
                for (int i = 0; i < 4; i++) c.Store(aer + Aer.HeaderLog + 4 * i, 4, 0);
                return;
            }
            RestoreQueuedStatus(f);
            UpdateLog(f, f.AerLog.Dequeue());
        }
        else if ((errcap & Aer.MultipleHeaderRecordingEnable) != 0)
        {
            RestoreQueuedStatus(f);
        }
        else
        {
            f.AerLog.Clear();
        }
    }

    private AerInjectOutcome Drop(SimFunction f, in AerErrorRecord error, AerInjectOutcome why)
    {
        Dropped.Add(new DroppedAerError(_loop.Now, f, error, why));
        _loop.Trace?.Invoke(_loop.Now, "aer-error-dropped");
        return why;
    }

    private AerInjectOutcome Finish(SimFunction f, bool overflow)
    {
        if (overflow)
            Inject(f, new AerErrorRecord(Aer.HeaderLogOverflow, f.Address.RequesterId.Value, true, false, false, 0, 0, 0, 0));
        return AerInjectOutcome.Injected;
    }

    private bool CorrectablePath(SimFunction f, in AerErrorRecord error, uint corStatus, uint uncorStatus, bool advisory,
        ushort devctl, ref ushort devsta, bool unsupportedRequest, ref bool overflow, out AerMessage message)
    {
        message = default;
        var c = f.Config;
        int aer = f.AerCapability;
        devsta |= Pcie.DevStaCorrectableDetected;
        if (unsupportedRequest) devsta |= Pcie.DevStaUnsupportedRequestDetected;
        c.Store(f.PcieCapability + Pcie.DeviceStatus, 2, devsta);
        if (aer != 0)
        {
            c.SetBits(aer + Aer.CorrectableStatus, 4, corStatus);
            if ((c.ReadUInt32(aer + Aer.CorrectableMask) & corStatus) != 0) return false;
            if (advisory)
            {
                if ((c.ReadUInt32(aer + Aer.UncorrectableMask) & uncorStatus) == 0) overflow = !Record(f, error);
                c.SetBits(aer + Aer.UncorrectableStatus, 4, uncorStatus);
            }
        }
        if (unsupportedRequest && (devctl & Pcie.DevCtlUnsupportedRequestReporting) == 0) return false;
        if ((devctl & Pcie.DevCtlCorrectableReporting) == 0) return false;
        message = new AerMessage(ErrorSeverity.Correctable, error.SourceId);
        return true;
    }

    private bool UncorrectablePath(SimFunction f, in AerErrorRecord error, uint status, bool fatal,
        ushort devctl, ref ushort devsta, bool unsupportedRequest, ref bool overflow, out AerMessage message)
    {
        message = default;
        var c = f.Config;
        int aer = f.AerCapability;
        devsta |= fatal ? Pcie.DevStaFatalDetected : Pcie.DevStaNonFatalDetected;
        if (unsupportedRequest) devsta |= Pcie.DevStaUnsupportedRequestDetected;
        c.Store(f.PcieCapability + Pcie.DeviceStatus, 2, devsta);
        // QEMU stores a dword here, zeroing Link Capabilities bits 15:0 (AerQuirks.Qemu10).
        if (Quirks == AerQuirks.Qemu10) c.Store(f.PcieCapability + Pcie.LinkCapabilities, 2, 0);
        if (aer != 0)
        {
            if ((c.ReadUInt32(aer + Aer.UncorrectableMask) & status) != 0)
            {
                c.SetBits(aer + Aer.UncorrectableStatus, 4, status);
                return false;
            }
            overflow = !Record(f, error);
            c.SetBits(aer + Aer.UncorrectableStatus, 4, status);
        }
        ushort cmd = c.ReadUInt16(ConfigHeader.Command);
        bool serr = (cmd & ConfigHeader.CommandSerrEnable) != 0;
        if (unsupportedRequest && (devctl & Pcie.DevCtlUnsupportedRequestReporting) == 0 && !serr) return false;
        ushort enable = fatal ? Pcie.DevCtlFatalReporting : Pcie.DevCtlNonFatalReporting;
        if (!serr && (devctl & enable) == 0) return false;
        message = new AerMessage(fatal ? ErrorSeverity.Fatal : ErrorSeverity.NonFatal, error.SourceId);
        return true;
    }

    // §6.2.4.2: with Multiple Header Recording enabled, a new error while the first is still logged is queued.
    private bool Record(SimFunction f, in AerErrorRecord error)
    {
        var c = f.Config;
        int aer = f.AerCapability;
        uint errcap = c.ReadUInt32(aer + Aer.CapabilitiesControl);
        int fep = (int)(errcap & Aer.FirstErrorPointerMask);
        if ((errcap & Aer.MultipleHeaderRecordingEnable) != 0 && (c.ReadUInt32(aer + Aer.UncorrectableStatus) & (1u << fep)) != 0)
        {
            if (f.AerLog.Count >= f.AerLogCapacity) return false;
            f.AerLog.Enqueue(error);
            return true;
        }
        UpdateLog(f, error);
        return true;
    }

    private void UpdateLog(SimFunction f, in AerErrorRecord error)
    {
        var c = f.Config;
        int aer = f.AerCapability;
        uint errcap = c.ReadUInt32(aer + Aer.CapabilitiesControl) & ~(Aer.FirstErrorPointerMask | TlpPrefixLogPresent);
        errcap |= (uint)BitOperations.TrailingZeroCount(error.Status);
        var order = HeaderByteOrder;
        for (int i = 0; i < 4; i++)
        {
            uint dw = error.HeaderValid ? error.HeaderDword(i) : 0;
            if (order == HeaderLogByteOrder.QemuByteSwapped) dw = BinaryPrimitives.ReverseEndianness(dw);
            c.Store(aer + Aer.HeaderLog + 4 * i, 4, dw);
        }
        c.Store(aer + Aer.CapabilitiesControl, 4, errcap);
        // QEMU zeroes the 4-dword TLP Prefix Log at AER + 0x38 here, past a short capability's end (AerQuirks.Qemu10).
        if (Quirks == AerQuirks.Qemu10)
            for (int i = 0; i < 4 && aer + QemuTlpPrefixLog + 4 * i + 4 <= c.Size; i++) c.Store(aer + QemuTlpPrefixLog + 4 * i, 4, 0);
    }

    private static void RestoreQueuedStatus(SimFunction f)
    {
        foreach (var e in f.AerLog) f.Config.SetBits(f.AerCapability + Aer.UncorrectableStatus, 4, e.Status);
    }

    // Figure 6-3, virtual PCI bridge part.
    private static bool BridgeForwards(SimFunction bridge, AerMessage message)
    {
        var c = bridge.Config;
        if (message.IsUncorrectable) c.SetBits(ConfigHeader.SecondaryStatus, 2, ConfigHeader.StatusSystemError);
        return (c.ReadUInt16(ConfigHeader.BridgeControl) & ConfigHeader.BridgeControlSerrEnable) != 0;
    }

    // Figure 6-3, all-functions part (QEMU 10 behaviour; see the class comment).
    private static bool FunctionForwards(SimFunction f, AerMessage message)
    {
        var c = f.Config;
        ushort devctl = c.ReadUInt16(f.PcieCapability + Pcie.DeviceControl);
        if (!message.IsUncorrectable) return (devctl & Pcie.DevCtlCorrectableReporting) != 0;
        if ((c.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandSerrEnable) == 0) return false;
        c.SetBits(ConfigHeader.Status, 2, ConfigHeader.StatusSystemError);
        return (message.EnableBit & devctl) != 0;
    }

    private void ReceiveAtRoot(SimFunction root, AerMessage message)
    {
        int aer = root.AerCapability;
        if (aer == 0) return;
        var c = root.Config;
        uint rootCmd = c.ReadUInt32(aer + Aer.RootErrorCommand);
        uint previous = c.ReadUInt32(aer + Aer.RootErrorStatus);
        uint status = previous;
        switch (message.Severity)
        {
            case ErrorSeverity.Correctable:
                if ((status & Aer.ErrCorReceived) != 0) status |= Aer.MultipleErrCorReceived;
                else c.Store(aer + Aer.ErrorSourceId, 2, message.SourceId);
                status |= Aer.ErrCorReceived;
                break;
            case ErrorSeverity.NonFatal:
                status |= Aer.NonFatalMessagesReceived;
                break;
            default:
                if ((status & Aer.ErrFatalNonFatalReceived) == 0) status |= Aer.FirstUncorrectableFatal;
                status |= Aer.FatalMessagesReceived;
                break;
        }
        if (message.IsUncorrectable)
        {
            if ((status & Aer.ErrFatalNonFatalReceived) != 0) status |= Aer.MultipleErrFatalNonFatalReceived;
            else c.Store(aer + Aer.ErrorSourceId + 2, 2, message.SourceId);
            status |= Aer.ErrFatalNonFatalReceived;
        }
        c.Store(aer + Aer.RootErrorStatus, 4, status);

        if (root.FirmwareFirst || root.Bus?.HostBridge.FirmwareFirst == true)
        {
            FirmwareFirst?.OnAerMessage(root, message);
            return;
        }
        // §6.2.4.1.2: interrupt only when an enabled condition goes from false to true.
        if ((rootCmd & message.EnableBit) == 0 || (RootCommandBits(previous) & rootCmd) != 0) return;
        _interrupts.Notify(root);
    }

    /// <summary>The Root Error Command bits whose conditions a Root Error Status value shows.</summary>
    internal static uint RootCommandBits(uint rootStatus)
    {
        uint cmd = 0;
        if ((rootStatus & Aer.ErrCorReceived) != 0) cmd |= Aer.CorrectableReportingEnable;
        if ((rootStatus & Aer.NonFatalMessagesReceived) != 0) cmd |= Aer.NonFatalReportingEnable;
        if ((rootStatus & Aer.FatalMessagesReceived) != 0) cmd |= Aer.FatalReportingEnable;
        return cmd;
    }
}
