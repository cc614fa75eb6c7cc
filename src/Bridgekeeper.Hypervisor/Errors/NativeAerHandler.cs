using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// The root port's AER interrupt when the hypervisor owns AER natively, following Linux's
/// <c>aer_irq</c> and <c>aer_isr_one_error</c> (drivers/pci/pcie/aer.c; PCIe Base 6.0 §6.2.4.1,
/// §7.8.4.10-11): read Root Error Status and Error Source Identification, write the status back at
/// once (W1C) so new messages can latch, then find the source functions and read every log before
/// handling any (a reset must not destroy a log not yet stored). Unlike Linux, the uncorrectable part
/// is handled before the correctable part, so a correctable storm can never delay it.
/// </summary>
public sealed class NativeAerHandler(IConfigAccess config, CapabilityCache capabilities, AerSourceLocator locator,
    AerDeviceLogReader reader, ErrorIntake intake)
{
    private const uint AnyReceived = AerCapability.ErrCorReceived | AerCapability.MultipleErrCorReceived
        | AerCapability.ErrFatalNonFatalReceived | AerCapability.MultipleErrFatalNonFatalReceived;

    /// <summary>Interrupts that found no Root Error Status bit set (Linux's IRQ_NONE).</summary>
    public long Spurious { get; private set; }

    /// <summary>Messages whose source could not be found in the hierarchy ("no details found").</summary>
    public long Unattributed { get; private set; }

    /// <summary>Routes a root port's wired AER interrupt (an SPI) to this handler.</summary>
    public void Attach(IInterruptController interrupts, Sbdf rootPort, uint intId) =>
        interrupts.OnSpi(intId, () => OnInterrupt(rootPort));

    public bool OnInterrupt(Sbdf rootPort)
    {
        if (capabilities.Of(rootPort).Aer is not int aer) { Spurious++; return false; }
        uint status = config.Read(rootPort, aer + AerCapability.RootErrorStatus, 4);
        if ((status & AnyReceived) == 0) { Spurious++; return false; }
        uint sourceId = config.Read(rootPort, aer + AerCapability.ErrorSourceId, 4);
        config.Write(rootPort, aer + AerCapability.RootErrorStatus, 4, status);

        if ((status & AerCapability.ErrFatalNonFatalReceived) != 0)
        {
            var severity = (status & AerCapability.FatalMessagesReceived) != 0 ? ErrorSeverity.Fatal : ErrorSeverity.NonFatal;
            HandleUncorrectable(rootPort, status, sourceId, severity, (status & AerCapability.MultipleErrFatalNonFatalReceived) != 0);
        }
        if ((status & AerCapability.ErrCorReceived) != 0)
            HandleCorrectable(rootPort, status, sourceId, (status & AerCapability.MultipleErrCorReceived) != 0);
        return true;
    }

    private void HandleUncorrectable(Sbdf rootPort, uint rootStatus, uint sourceId, ErrorSeverity severity, bool multiple)
    {
        Span<Sbdf> found = stackalloc Sbdf[AerSourceLocator.MaxDevices];
        int n = locator.Locate(rootPort, new RequesterId((ushort)(sourceId >> 16)), severity, multiple, found);
        if (n == 0) { Unattributed++; RecordUnattributed(rootPort, severity, rootStatus, sourceId); return; }
        // Read every log first, then act (aer_process_err_devices).
        var logs = new DeviceErrorLog?[n];
        for (int i = 0; i < n; i++) logs[i] = reader.Read(found[i], severity);
        foreach (var log in logs)
            if (log is not null)
                intake.AcceptUncorrectable(ErrorOrigin.NativeAer, log, AerRegisterBlob.Encode(log, rootStatus, sourceId));
    }

    private void HandleCorrectable(Sbdf rootPort, uint rootStatus, uint sourceId, bool multiple)
    {
        Span<Sbdf> found = stackalloc Sbdf[AerSourceLocator.MaxDevices];
        int n = locator.Locate(rootPort, new RequesterId((ushort)sourceId), ErrorSeverity.Correctable, multiple, found);
        if (n == 0) { Unattributed++; return; }
        for (int i = 0; i < n; i++)
        {
            // The storm path: read, clear, count; a record is built only for an admitted error.
            if (!reader.TryReadAndClearCorrectable(found[i], out uint status, out uint mask)) continue;
            if (!intake.AdmitCorrectable(found[i], out long suppressed)) continue;
            var log = new DeviceErrorLog(found[i], ErrorSeverity.Correctable, true, 0, 0, 0, status, mask, 0, AerRegisterBlob.NoHeader);
            intake.RecordCorrectable(ErrorOrigin.NativeAer, log, AerRegisterBlob.Encode(log, rootStatus, sourceId), suppressed);
        }
    }

    private void RecordUnattributed(Sbdf rootPort, ErrorSeverity severity, uint rootStatus, uint sourceId)
    {
        var log = DeviceErrorLog.Unread(rootPort, severity);
        intake.RecordUnattributed(log, AerRegisterBlob.Encode(log, rootStatus, sourceId));
    }
}
