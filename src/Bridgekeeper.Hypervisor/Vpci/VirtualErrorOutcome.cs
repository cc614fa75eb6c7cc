namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>What <see cref="VirtualRootPort.RaiseError(Bridgekeeper.Pci.ErrorSeverity, in AerErrorSnapshot)"/> did.</summary>
public enum VirtualErrorOutcome
{
    /// <summary>The shadow registers were set and the virtual root port's interrupt was injected.</summary>
    InterruptInjected,
    /// <summary>The shadow registers were set and the root port latched the message, but the guest has not enabled the interrupt in Root Error Command.</summary>
    RootInterruptDisabled,
    /// <summary>The device's shadow status was set, but the guest has not enabled reporting in Device Control, so no message reached the root port.</summary>
    ReportingDisabled,
    /// <summary>The error bits are masked in the guest's shadow AER mask: status set, nothing sent.</summary>
    Masked,
    /// <summary>No device sits under the root port.</summary>
    NoDevice,
}
