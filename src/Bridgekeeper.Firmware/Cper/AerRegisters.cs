namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// AER register values as read from a function's AER capability (PCIe Base 6.0 §7.8.4), the input a
/// firmware uses to build a CPER PCIe section. Root-port registers are zero for other functions.
/// </summary>
public readonly record struct AerRegisters(
    uint CapabilityHeader,
    uint UncorrectableStatus,
    uint UncorrectableMask,
    uint UncorrectableSeverity,
    uint CorrectableStatus,
    uint CorrectableMask,
    uint CapabilitiesAndControl,
    uint HeaderLog0 = 0,
    uint HeaderLog1 = 0,
    uint HeaderLog2 = 0,
    uint HeaderLog3 = 0,
    uint RootErrorCommand = 0,
    uint RootErrorStatus = 0,
    ushort CorrectableSourceId = 0,
    ushort UncorrectableSourceId = 0);
