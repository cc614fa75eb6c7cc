using System.Collections.Immutable;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// One simulation scenario as written in a scenario YAML file (schema: docs/scenario-schema.md), or as
/// drawn by a campaign from a seed. Every element keeps the line it came from so that a problem found
/// only when the scenario meets the platform (an unknown device, a refused assignment that was meant to
/// succeed) still names the file, line and field.
/// </summary>
public sealed record Scenario(
    string Source,
    string Name,
    string Description,
    ulong? Seed,
    PlatformChoice Platform,
    ScenarioPolicies Policies,
    ImmutableArray<GuestDomainSpec> Domains,
    ImmutableArray<AssignmentSpec> Assignments,
    ImmutableArray<ErrorInjectionSpec> Errors,
    ImmutableArray<FaultInjectionSpec> Faults,
    ImmutableArray<ExpectationSpec> Expectations,
    SimTime RunFor)
{
    /// <summary>How long a scenario runs when it does not say (long enough for a 60 s readiness limit to pass is not needed: recovery limits are enforced by the hypervisor).</summary>
    public static readonly SimTime DefaultRunFor = SimTime.FromSeconds(2);

    public GuestDomainSpec? DomainNamed(string name)
    {
        foreach (var d in Domains)
        {
            if (d.Name == name) return d;
        }
        return null;
    }
}

/// <summary>Where a value came from: file and 1-based line (0 for generated scenarios).</summary>
public readonly record struct SourceLine(string File, int Line)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}

/// <summary>The platform: a built-in name (e.g. <c>arm-server</c>) or a platform YAML file path, resolved against the scenario's folder.</summary>
public sealed record PlatformChoice(string? BuiltInName, string? FilePath, SourceLine At);

/// <summary>Policy switches (the hypervisor's, not the guests').</summary>
public sealed record ScenarioPolicies(GroupingPolicyChoice Grouping, ErrorPath ErrorHandling);

public enum GroupingPolicyChoice
{
    /// <summary>Linux's <c>pci_device_group()</c> with ACS checks and quirks.</summary>
    Linux,
    /// <summary>The bus-isolation model: a switch's internal bus is isolated only when every downstream port has SV, RR, CR and UF.</summary>
    Strict,
}

/// <summary>Who sees an error first: the OS through the root port's AER interrupt, or platform firmware (HEST/GHES).</summary>
public enum ErrorPath
{
    Native,
    FirmwareFirst,
}

/// <summary>How a guest learns of an error on its device (the two options of the design discussion).</summary>
public enum NotificationOption
{
    /// <summary>(a) a virtual GHES record with a CPER PCIe section and its notification (ACPI guests).</summary>
    VirtualGhes,
    /// <summary>(b) a virtual root port above the device: shadow AER registers and its interrupt.</summary>
    VirtualRootPort,
}

/// <summary>The guest driver model: how a guest answers recovery requests.</summary>
public enum GuestDriverBehaviour
{
    /// <summary>Answers every step and quiesces within its quiesce time.</summary>
    Cooperative,
    /// <summary>Can recover a non-fatal error without a reset: votes CAN_RECOVER, then RECOVERED (Linux's pci_channel_io_normal path).</summary>
    CanRecover,
    /// <summary>Answers every step only after its quiesce time (each reply late); past the hypervisor's step timeout it counts as silent for that step.</summary>
    Slow,
    /// <summary>Never answers (a hung or malicious guest): counts as NEED_RESET when the step times out.</summary>
    Silent,
    /// <summary>The device's driver has no error handlers (NO_AER_DRIVER).</summary>
    NoHandler,
    /// <summary>Answers DISCONNECT: it gives the device up.</summary>
    Disconnect,
    /// <summary>Says it has quiesced but keeps its DMA running (tests the IOMMU block).</summary>
    DmaAfterQuiesce,
}

/// <summary>A guest domain: its name, Xen domain id, notification option and driver behaviour.</summary>
public sealed record GuestDomainSpec(
    string Name,
    DomainId Id,
    NotificationOption Notification,
    GuestDriverBehaviour Behaviour,
    SimTime QuiesceTime,
    double DmaPerMs,
    SourceLine At);

/// <summary>
/// Assign exactly these functions to a guest. The hypervisor assigns whole isolation groups only, so a
/// list that covers part of a group is refused with the reason; <see cref="ExpectRefused"/> says the
/// scenario means to show that refusal (a refusal not expected, or an acceptance expected refused, fails the run).
/// </summary>
public sealed record AssignmentSpec(ImmutableArray<DeviceRef> Devices, string Domain, bool ExpectRefused, SourceLine At);

/// <summary>A device named by PCI address (<c>0000:03:00.0</c>) or by its name in the platform (<c>nvme0</c>).</summary>
public sealed record DeviceRef(string Text, Bridgekeeper.Pci.Sbdf? Address, SourceLine At, string Field)
{
    public override string ToString() => Text;
}

/// <summary>
/// One AER error at a virtual time: an error name as QEMU's <c>pcie_aer_inject_error</c> takes it, or
/// raw status bits; repeated <see cref="Count"/> times every <see cref="Every"/> (a correctable storm).
/// </summary>
public sealed record ErrorInjectionSpec(
    SimTime At,
    DeviceRef Device,
    ErrorPath Path,
    Bridgekeeper.Pci.ErrorSeverity Severity,
    string ErrorName,
    uint StatusBits,
    int Count,
    SimTime Every,
    SourceLine Line);

/// <summary>A hardware fault at a virtual time: a device that never becomes ready after reset, a surprise removal, a link down.</summary>
public sealed record FaultInjectionSpec(SimTime At, DeviceRef Device, FaultKind Kind, SourceLine Line);

public enum FaultKind
{
    /// <summary>From now on the device answers RRS forever after a reset.</summary>
    NeverReady,
    SurpriseRemoval,
    LinkDown,
}

/// <summary>What must be true at the end: a device's final state, or what a guest was told.</summary>
public sealed record ExpectationSpec(DeviceRef? Device, DeviceOutcome? Ends, string? Domain, GuestNotice? Told, SourceLine At);

public enum DeviceOutcome
{
    /// <summary>Recovered and back with its owner.</summary>
    Recovered,
    /// <summary>Owned by the quarantine domain.</summary>
    Quarantined,
    /// <summary>Marked broken: never to be assigned again.</summary>
    Broken,
    /// <summary>Never disturbed: still with its owner and never reset.</summary>
    Untouched,
}

/// <summary>A message a guest must have received during the run.</summary>
public enum GuestNotice
{
    ErrorDetected,
    Resumed,
    DeviceRemoved,
    PermanentFailure,
    /// <summary>Nothing at all: the guest was not disturbed.</summary>
    Nothing,
}
