using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Finds the function(s) an error message came from, as Linux's <c>find_source_device</c> and
/// <c>is_error_source</c> do (drivers/pci/pcie/aer.c): the root port itself first, then every function
/// below it. With a trustworthy Error Source ID (non-zero bus, no multiple errors) a function matches
/// when its Requester ID equals the ID; otherwise — bus 0 may be an ID lost before enumeration
/// (PCIe Base 6.0 §6.2.8.1), or several messages arrived — a function matches when it has AER
/// reporting enabled in Device Control and an unmasked status bit of the class. At most
/// <see cref="MaxDevices"/> are collected (<c>AER_MAX_MULTI_ERR_DEVICES</c>).
/// </summary>
public sealed class AerSourceLocator(IConfigAccess config, CapabilityCache capabilities, IErrorHierarchy hierarchy)
{
    public const int MaxDevices = 5;

    private const uint AerReportingFlags = PciExpressCapability.DevCtlCorrectableReporting | PciExpressCapability.DevCtlNonFatalReporting
        | PciExpressCapability.DevCtlFatalReporting | PciExpressCapability.DevCtlUnsupportedRequestReporting;

    public int Locate(Sbdf rootPort, RequesterId sourceId, ErrorSeverity severity, bool multiple, Span<Sbdf> found)
    {
        int count = 0;
        if (IsSource(rootPort, sourceId, severity, multiple)) found[count++] = rootPort;
        if (count > 0 && !multiple) return count;
        var below = hierarchy.FunctionsBelow(rootPort);
        for (int i = 0; i < below.Count && count < found.Length && count < MaxDevices; i++)
        {
            if (!IsSource(below[i], sourceId, severity, multiple)) continue;
            found[count++] = below[i];
            if (!multiple) break;
        }
        return count;
    }

    private bool IsSource(Sbdf function, RequesterId sourceId, ErrorSeverity severity, bool multiple)
    {
        if (function.RequesterId == sourceId) return true;
        if (sourceId.Bus != 0 && !multiple) return false;
        var caps = capabilities.Of(function);
        if (caps.Aer is not int a || caps.PciExpress is not int p) return false;
        if ((config.Read(function, p + PciExpressCapability.DeviceControl, 2) & AerReportingFlags) == 0) return false;
        return severity == ErrorSeverity.Correctable
            ? (config.Read(function, a + AerCapability.CorrectableStatus, 4) & ~config.Read(function, a + AerCapability.CorrectableMask, 4)) != 0
            : (config.Read(function, a + AerCapability.UncorrectableStatus, 4) & ~config.Read(function, a + AerCapability.UncorrectableMask, 4)) != 0;
    }
}
