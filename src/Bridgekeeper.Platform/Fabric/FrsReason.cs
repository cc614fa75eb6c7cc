using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>The FRS Reason field of an FRS Message (PCIe Base 6.0 §2.2.8.6.3): why the function is now Configuration-Ready.</summary>
public enum FrsReason
{
    /// <summary>A Downstream Port with DRS Signaling Control = 10b received a DRS Message (§7.5.3.7).</summary>
    DrsMessageReceived = FrsQueueingCapability.ReasonDrsMessageReceived,
    /// <summary>A D3hot→D0 transition completed (§5.9).</summary>
    D3HotToD0Completed = FrsQueueingCapability.ReasonD3HotToD0,
    /// <summary>A Function Level Reset completed (§6.6.2).</summary>
    FlrCompleted = FrsQueueingCapability.ReasonFlrCompleted,
    /// <summary>A PF's VFs are ready after VF Enable was set (§9.3.3.3.1).</summary>
    VfEnabled = FrsQueueingCapability.ReasonVfEnabled,
    /// <summary>A PF finished removing its VFs after VF Enable was cleared.</summary>
    VfDisabled = FrsQueueingCapability.ReasonVfDisabled,
}
