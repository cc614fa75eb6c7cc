using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>A device the platform can place in a slot: one or more functions, each built fresh from its declarations.</summary>
public sealed record DeviceModel(string Name, string Description, IReadOnlyList<FunctionModel> Functions);

/// <summary>One function of a model: its config space, readiness timing, and (for an SR-IOV PF) its VFs' config space.</summary>
public sealed record FunctionModel(int Function, Func<ConfigSpace> Config, FunctionReadiness Readiness, Func<int, ConfigSpace>? VirtualFunction = null);

/// <summary>Per-instance choices a platform file can make about a model.</summary>
public sealed record DeviceOptions(
    bool? Acs = null,
    int? Slot = null,
    ulong Serial = 0,
    bool ImmediateReadiness = false,
    ReadinessTimesOption? ReportedReadiness = null,
    FunctionReadiness? Readiness = null,
    int PortNumber = 0,
    bool Drs = false,
    bool NoSoftReset = true,
    bool Frs = false);

/// <summary>Times a device reports in a Readiness Time Reporting capability (PCIe Base 6.0 §7.9.16).</summary>
public sealed record ReadinessTimesOption(long ResetNs, long DlUpNs, long FlrNs);
