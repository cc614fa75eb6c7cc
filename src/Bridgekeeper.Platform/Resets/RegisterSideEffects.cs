namespace Bridgekeeper.Platform;

/// <summary>Routes each side-effecting write to the hardware behaviour that owns it.</summary>
internal sealed class RegisterSideEffects(ResetEngine resets, SriovEngine sriov, AerEngine aer, RootPortInterrupts interrupts) : IWriteEffects
{
    /// <summary>Command.Interrupt Disable masks INTx (set by the machine).</summary>
    public IntxRouter? Intx { get; init; }

    /// <summary>PMCSR PowerState transitions (set by the machine).</summary>
    public PowerStates? Power { get; init; }

    public void Apply(WriteEffect effect, SimFunction function, int dword, uint before, uint after)
    {
        switch (effect)
        {
            case WriteEffect.BridgeControl: resets.OnBridgeControlWritten(function, before, after); break;
            case WriteEffect.DeviceControl: resets.OnDeviceControlWritten(function, after); break;
            case WriteEffect.LinkControl: resets.OnLinkControlWritten(function, before, after); break;
            case WriteEffect.SriovControl: sriov.OnControlWritten(function, before, after); break;
            case WriteEffect.AerUncorrectableStatus: aer.OnUncorrectableStatusWritten(function); break;
            case WriteEffect.RootErrorCommand: interrupts.OnRootRegistersWritten(function, before); break;
            case WriteEffect.RootErrorStatus: interrupts.OnRootRegistersWritten(function, function.Config.ReadUInt32(dword - 4)); break;
            case WriteEffect.PowerControlStatus: Power?.OnControlStatusWritten(function, before, after); break;
            case WriteEffect.Command: Intx?.OnCommandWritten(function); break; // DMA gating reads Bus Master live
            case WriteEffect.FrsMessageQueue: FrsSignalling.OnQueueWritten(function); break;
            case WriteEffect.FrsStatusControl: interrupts.OnFrsRegistersWritten(function); break;
            default: break; // Bus numbers: DMA gating and routing read the registers live.
        }
    }
}
