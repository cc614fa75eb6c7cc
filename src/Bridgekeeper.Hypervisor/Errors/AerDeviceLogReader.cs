using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Reads and clears one function's AER log natively, as Linux's <c>aer_get_device_error_info</c> and
/// <c>pci_aer_handle_error</c> do (drivers/pci/pcie/aer.c). Only used when the hypervisor owns AER;
/// in firmware-first mode the registers belong to firmware and nothing here runs.
/// </summary>
public sealed class AerDeviceLogReader(IConfigAccess config, CapabilityCache capabilities, IErrorHierarchy hierarchy)
{
    /// <summary>
    /// Uncorrectable bits whose TLP header is logged (Linux's <c>AER_LOG_TLP_MASKS</c>; PCIe Base 6.0
    /// §6.2.7): poisoned TLP, ECRC, UR, completer abort, unexpected completion, ACS violation, MC blocked,
    /// AtomicOp egress blocked, TLP prefix blocked, malformed TLP, poisoned TLP egress blocked.
    /// </summary>
    public const uint TlpLoggedMask = AerCapability.PoisonedTlpReceived | AerCapability.EcrcError
        | AerCapability.UnsupportedRequest | AerCapability.CompleterAbort | AerCapability.UnexpectedCompletion
        | AerCapability.AcsViolation | AerCapability.McBlockedTlp | AerCapability.AtomicOpEgressBlocked
        | AerCapability.TlpPrefixBlocked | AerCapability.MalformedTlp | AerCapability.PoisonedTlpEgressBlocked
        | (1u << 27) | (1u << 28) | (1u << 29) | (1u << 30) | (1u << 31);

    /// <summary>The function's log for <paramref name="severity"/>, or null when nothing unmasked is set.</summary>
    public DeviceErrorLog? Read(Sbdf function, ErrorSeverity severity)
    {
        int? aer = capabilities.Of(function).Aer;
        if (aer is not int a) return severity == ErrorSeverity.Fatal ? DeviceErrorLog.Unread(function, severity) : null;
        if (severity == ErrorSeverity.Correctable)
            return TryReadCorrectable(function, out uint status, out uint mask)
                ? new DeviceErrorLog(function, severity, true, 0, 0, 0, status, mask, 0, AerRegisterBlob.NoHeader)
                : null;
        // An ERR_FATAL from an endpoint or upstream port may come over a dead link: read nothing,
        // still handle the function (aer.c: registers read only for RP, RCEC, DSP, or non-fatal).
        var type = hierarchy.PortTypeOf(function);
        bool linkSafe = type is PciePortType.RootPort or PciePortType.RCEC or PciePortType.DownstreamPort;
        if (!linkSafe && severity == ErrorSeverity.Fatal) return DeviceErrorLog.Unread(function, severity);

        uint uStatus = config.Read(function, a + AerCapability.UncorrectableStatus, 4);
        uint uMask = config.Read(function, a + AerCapability.UncorrectableMask, 4);
        if ((uStatus & ~uMask) == 0) return null;
        uint uSeverity = config.Read(function, a + AerCapability.UncorrectableSeverity, 4);
        uint capControl = config.Read(function, a + AerCapability.CapabilitiesControl, 4);
        var header = AerRegisterBlob.NoHeader;
        if ((uStatus & ~uMask & TlpLoggedMask) != 0)
            header = [
                config.Read(function, a + AerCapability.HeaderLog, 4), config.Read(function, a + AerCapability.HeaderLog + 4, 4),
                config.Read(function, a + AerCapability.HeaderLog + 8, 4), config.Read(function, a + AerCapability.HeaderLog + 12, 4),
            ];
        return new DeviceErrorLog(function, severity, true, uStatus, uMask, uSeverity, 0, 0,
            (int)(capControl & AerCapability.FirstErrorPointerMask), header);
    }

    /// <summary>Correctable Error Status and Mask, when an unmasked bit is set (allocation-free).</summary>
    public bool TryReadCorrectable(Sbdf function, out uint status, out uint mask)
    {
        status = mask = 0;
        if (capabilities.Of(function).Aer is not int a) return false;
        status = config.Read(function, a + AerCapability.CorrectableStatus, 4);
        mask = config.Read(function, a + AerCapability.CorrectableMask, 4);
        return (status & ~mask) != 0;
    }

    /// <summary>
    /// The storm path in one capability lookup: <see cref="TryReadCorrectable"/>, then, when an unmasked
    /// bit is set, <see cref="ClearCorrectable"/> of what was read. Same config accesses, same order.
    /// </summary>
    public bool TryReadAndClearCorrectable(Sbdf function, out uint status, out uint mask)
    {
        status = mask = 0;
        var caps = capabilities.Of(function);
        if (caps.Aer is not int a) return false;
        status = config.Read(function, a + AerCapability.CorrectableStatus, 4);
        mask = config.Read(function, a + AerCapability.CorrectableMask, 4);
        if ((status & ~mask) == 0) return false;
        config.Write(function, a + AerCapability.CorrectableStatus, 4, status);
        ClearDeviceStatus(function, caps);
        return true;
    }

    /// <summary>
    /// Clears what was logged: Correctable Error Status (W1C, only the logged bits) and the Device
    /// Status error bits (Linux's <c>pcie_clear_device_status</c>).
    /// </summary>
    public void ClearCorrectable(Sbdf function, uint loggedStatus)
    {
        var caps = capabilities.Of(function);
        if (caps.Aer is int a) config.Write(function, a + AerCapability.CorrectableStatus, 4, loggedStatus);
        ClearDeviceStatus(function, caps);
    }

    private void ClearDeviceStatus(Sbdf function, FunctionCapabilities caps)
    {
        if (caps.PciExpress is not int p) return;
        uint sta = config.Read(function, p + PciExpressCapability.DeviceStatus, 2);
        config.Write(function, p + PciExpressCapability.DeviceStatus, 2, sta & 0x000F);
    }
}
