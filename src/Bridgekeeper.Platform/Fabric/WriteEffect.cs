namespace Bridgekeeper.Platform;

/// <summary>
/// The side effect a software write to a dword has beyond the attribute masks, registered per
/// function from its capability list when the function is created (as Xen's vPCI registers a
/// handler per register): the write path then does one table lookup and never tests offsets.
/// </summary>
public enum WriteEffect : byte
{
    None,
    /// <summary>Command (PCIe Base 6.0 §7.5.1.1.3): Bus Master Enable gates DMA.</summary>
    Command,
    /// <summary>Type 1 bus numbers (§7.5.1.3.2-4): config routing changes.</summary>
    BusNumbers,
    /// <summary>Bridge Control (§7.5.1.3.13): Secondary Bus Reset.</summary>
    BridgeControl,
    /// <summary>Device Control (§7.5.3.4): Initiate Function Level Reset.</summary>
    DeviceControl,
    /// <summary>Link Control (§7.5.3.7): Link Disable.</summary>
    LinkControl,
    /// <summary>SR-IOV Control and NumVFs (§9.3.3.3): VF Enable.</summary>
    SriovControl,
    /// <summary>AER Uncorrectable Error Status (§7.8.4.2): clearing the first error advances the header log queue.</summary>
    AerUncorrectableStatus,
    /// <summary>AER Root Error Command (§7.8.4.9): enabling a pending condition raises the interrupt.</summary>
    RootErrorCommand,
    /// <summary>AER Root Error Status (§7.8.4.10): clearing the conditions deasserts a wired interrupt.</summary>
    RootErrorStatus,
    /// <summary>PM Control/Status (§7.5.2.2): PowerState; D3hot→D0 may reset the function.</summary>
    PowerControlStatus,
    /// <summary>FRS Message Queue (§7.8.10.5): a write of any value removes the oldest entry.</summary>
    FrsMessageQueue,
    /// <summary>FRS Queueing Status/Control (§7.8.10.3-4): a wired FRS interrupt follows the enabled conditions.</summary>
    FrsStatusControl,
}
