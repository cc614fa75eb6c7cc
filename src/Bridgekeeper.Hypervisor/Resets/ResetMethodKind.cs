namespace Bridgekeeper.Hypervisor.Resets;

/// <summary>The ways a function can be reset, and so what else goes down with it.</summary>
public enum ResetMethodKind
{
    /// <summary>Function Level Reset (PCIe Base 6.0 §6.6.2): the function alone, plus a PF's VFs (a PF FLR clears VF Enable, §9.3.3.3.1).</summary>
    FunctionLevelReset,
    /// <summary>Secondary Bus Reset of the upstream bridge (§7.5.1.3.13): every function below that bridge.</summary>
    SecondaryBusReset,
    /// <summary>Hot-plug slot reset through the slot's power controller (§6.7): everything in the slot below the port.</summary>
    SlotReset,
}
