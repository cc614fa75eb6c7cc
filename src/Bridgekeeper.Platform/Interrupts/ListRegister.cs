using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>One GICv3 list register (ICH_LR&lt;n&gt;_EL2, Arm GIC Architecture Specification §11.2.4): a virtual INTID and its state.</summary>
public readonly record struct ListRegister(uint VirtualIntId, ListRegisterState State, SimTime InjectedAt);

/// <summary>List register state field (ICH_LR State, bits 63:62).</summary>
public enum ListRegisterState
{
    Invalid = 0,
    Pending = 1,
    Active = 2,
}
