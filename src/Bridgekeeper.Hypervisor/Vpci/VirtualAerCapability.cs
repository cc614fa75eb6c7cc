using System.Numerics;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's AER extended capability (PCIe Base 6.0 §7.8.4) made of shadow registers only, in the
/// manner of QEMU's emulated AER (hw/pci/pcie_aer.c) rather than VFIO's pass-through: the guest reads
/// and clears (RW1C) the shadow, and nothing it writes reaches the physical status, mask or severity
/// registers the hypervisor's own error handling depends on (xen-passthrough.md §16.4). It sits at
/// 0x100 as the only extended capability a guest sees, so ACS, SR-IOV, DPC and the rest stay hidden.
/// The layout rows are <see cref="AerCapability.Layout"/>, the same data the physical model compiles.
/// </summary>
public sealed class VirtualAerCapability
{
    public const int Offset = CapabilityList.ExtendedListStart;

    private readonly ConfigSpace _shadow;

    private VirtualAerCapability(ConfigSpace shadow, bool rootRegisters)
    {
        _shadow = shadow;
        HasRootRegisters = rootRegisters;
    }

    public bool HasRootRegisters { get; }

    /// <summary>
    /// Registers the capability in <paramref name="table"/> with initial mask, severity and control
    /// values (copied from the physical function when it has AER, else the spec defaults).
    /// </summary>
    public static VirtualAerCapability Register(VirtualRegisterTable table, ConfigSpace shadow, bool rootRegisters,
        uint uncorrectableMask, uint uncorrectableSeverity, uint correctableMask, uint capabilitiesControl)
    {
        var layout = AerCapability.Layout(rootRegisters);
        foreach (var def in layout.Registers)
        {
            uint initial = def.Offset switch
            {
                // Extended Capability Header: ID 0x0001, version 2, next 0 (the end of the guest's list).
                0x00 => (uint)ExtendedCapabilityId.AdvancedErrorReporting | (2u << 16),
                AerCapability.UncorrectableMask => uncorrectableMask,
                AerCapability.UncorrectableSeverity => uncorrectableSeverity,
                AerCapability.CorrectableMask => correctableMask,
                // Only the capability bits (ECRC capable) and enables; the First Error Pointer starts clear.
                AerCapability.CapabilitiesControl => capabilitiesControl & ~AerCapability.FirstErrorPointerMask,
                _ => 0,
            };
            ShadowRegisters.Add(table, shadow, def, Offset, initial);
        }
        return new VirtualAerCapability(shadow, rootRegisters);
    }

    public uint UncorrectableStatus => Get(AerCapability.UncorrectableStatus);

    public uint UncorrectableMask => Get(AerCapability.UncorrectableMask);

    public uint UncorrectableSeverity => Get(AerCapability.UncorrectableSeverity);

    public uint CorrectableStatus => Get(AerCapability.CorrectableStatus);

    public uint CorrectableMask => Get(AerCapability.CorrectableMask);

    public int FirstErrorPointer => (int)(Get(AerCapability.CapabilitiesControl) & AerCapability.FirstErrorPointerMask);

    public uint HeaderLog(int index) => Get(AerCapability.HeaderLog + 4 * index);

    public uint RootErrorCommand => HasRootRegisters ? Get(AerCapability.RootErrorCommand) : 0;

    public uint RootErrorStatus => HasRootRegisters ? Get(AerCapability.RootErrorStatus) : 0;

    public uint ErrorSourceId => HasRootRegisters ? Get(AerCapability.ErrorSourceId) : 0;

    /// <summary>
    /// Latches an error into the shadow as a device would (§6.2.7): the status bits are set; when no
    /// unmasked uncorrectable error was pending, the First Error Pointer and Header Log are taken from
    /// the snapshot. Returns the unmasked bits, which are the ones that would send an error message.
    /// </summary>
    public uint Latch(ErrorSeverity severity, in AerErrorSnapshot error)
    {
        if (severity == ErrorSeverity.Correctable)
        {
            uint cor = error.CorrectableStatus & AerCapability.CorrectableBits;
            Set(AerCapability.CorrectableStatus, CorrectableStatus | cor);
            return cor & ~CorrectableMask;
        }
        uint bits = error.UncorrectableStatus & AerCapability.UncorrectableBits;
        uint pendingBefore = UncorrectableStatus & ~UncorrectableMask;
        Set(AerCapability.UncorrectableStatus, UncorrectableStatus | bits);
        uint unmasked = bits & ~UncorrectableMask;
        if (pendingBefore == 0 && unmasked != 0)
        {
            int fep = (unmasked & (1u << error.FirstErrorPointer)) != 0
                ? error.FirstErrorPointer
                : BitOperations.TrailingZeroCount(unmasked);
            uint control = Get(AerCapability.CapabilitiesControl) & ~AerCapability.FirstErrorPointerMask;
            Set(AerCapability.CapabilitiesControl, control | (uint)fep);
            Set(AerCapability.HeaderLog, error.HeaderLog0);
            Set(AerCapability.HeaderLog + 4, error.HeaderLog1);
            Set(AerCapability.HeaderLog + 8, error.HeaderLog2);
            Set(AerCapability.HeaderLog + 12, error.HeaderLog3);
        }
        return unmasked;
    }

    /// <summary>
    /// A root port's reaction to an error message from <paramref name="source"/> (§6.2.4.1.2, §7.8.4.10):
    /// sets the received / multiple / first-fatal bits of Root Error Status, records the source ID when
    /// it is the first of its class, and says whether Root Error Command enables the interrupt.
    /// </summary>
    public bool Receive(ErrorSeverity severity, RequesterId source)
    {
        if (!HasRootRegisters) throw new InvalidOperationException("only a root port's AER capability receives error messages");
        uint status = RootErrorStatus;
        uint sourceIds = ErrorSourceId;
        uint enable;
        if (severity == ErrorSeverity.Correctable)
        {
            if ((status & AerCapability.ErrCorReceived) != 0) status |= AerCapability.MultipleErrCorReceived;
            else { status |= AerCapability.ErrCorReceived; sourceIds = (sourceIds & 0xFFFF_0000) | source.Value; }
            enable = AerCapability.CorrectableReportingEnable;
        }
        else
        {
            if (severity == ErrorSeverity.Fatal)
            {
                if ((status & AerCapability.ErrFatalNonFatalReceived) == 0) status |= AerCapability.FirstUncorrectableFatal;
                status |= AerCapability.FatalMessagesReceived;
                enable = AerCapability.FatalReportingEnable;
            }
            else
            {
                status |= AerCapability.NonFatalMessagesReceived;
                enable = AerCapability.NonFatalReportingEnable;
            }
            if ((status & AerCapability.ErrFatalNonFatalReceived) != 0) status |= AerCapability.MultipleErrFatalNonFatalReceived;
            else { status |= AerCapability.ErrFatalNonFatalReceived; sourceIds = (sourceIds & 0x0000_FFFF) | ((uint)source.Value << 16); }
        }
        Set(AerCapability.RootErrorStatus, status);
        Set(AerCapability.ErrorSourceId, sourceIds);
        return (RootErrorCommand & enable) != 0;
    }

    private uint Get(int register) => _shadow.Read(Offset + register, 4);

    private void Set(int register, uint value) => _shadow.Store(Offset + register, 4, value);
}
