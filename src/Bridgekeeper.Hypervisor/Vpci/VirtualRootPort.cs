using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A virtual PCIe Root Port (Type 1 header, PCIe Base 6.0 §7.5.1.3) above one assigned device, for
/// error notification option (b) of the xen-devel design thread: the hypervisor reports an error by
/// setting the shadow AER registers of the device and of this port (Root Error Status, Error Source
/// Identification, §7.8.4.10-11) and injecting the port's virtual interrupt; the guest's AER driver
/// then reads them as on bare metal. A guest write of Secondary Bus Reset to Bridge Control (§7.5.1.3.13)
/// never reaches hardware: it is trapped and handed to recovery, which resets the physical device
/// only when that is safe. All registers are shadows built from the spec layouts.
/// </summary>
public sealed class VirtualRootPort : VirtualFunction
{
    /// <summary>QEMU's generic PCIe root port IDs (1b36:000c), so guest OSes bind their standard port driver.</summary>
    public const ushort VendorIdValue = 0x1B36;
    public const ushort DeviceIdValue = 0x000C;
    public const int PciExpressOffset = 0x40;

    private readonly IInterruptController? _interrupts;

    public VirtualRootPort(Sbdf virtualAddress, DomainId domain, byte secondaryBus, uint virtualIntId, IInterruptController? interrupts)
        : base(virtualAddress)
    {
        Domain = domain;
        SecondaryBus = secondaryBus;
        VirtualIntId = virtualIntId;
        _interrupts = interrupts;
        RegisterHeader();
        RegisterPciExpress();
        Aer = VirtualAerCapability.Register(Registers, Shadow, rootRegisters: true,
            0, AerCapability.DefaultSeverity, AerCapability.DefaultCorrectableMask, 0);
    }

    public DomainId Domain { get; }

    public byte SecondaryBus { get; }

    /// <summary>The virtual SPI the port raises (its INTA in the guest's interrupt map).</summary>
    public uint VirtualIntId { get; }

    public VirtualAerCapability Aer { get; }

    /// <summary>The device below the port (at secondary bus, device 0, function 0), once attached.</summary>
    public GuestDevice? Device { get; internal set; }

    /// <summary>Called when the guest sets Secondary Bus Reset (0 -> 1) in Bridge Control.</summary>
    internal Action<VirtualRootPort>? OnSecondaryBusReset { get; set; }

    public ushort BridgeControl => (ushort)Shadow.Read(ConfigHeader.BridgeControl, 2);

    public ushort SecondaryStatus => (ushort)Shadow.Read(ConfigHeader.SecondaryStatus, 2);

    /// <summary>
    /// Reports an error of the device below to the guest (option (b)): latches it in the device's shadow
    /// AER and Device Status; if unmasked and enabled in the device's Device Control, records the message
    /// at this port (Root Error Status, Error Source ID, Secondary Status Received System Error for
    /// uncorrectable errors) and injects the port's interrupt when Root Error Command enables it.
    /// </summary>
    public VirtualErrorOutcome RaiseError(ErrorSeverity severity, in AerErrorSnapshot error)
    {
        if (Device is null) return VirtualErrorOutcome.NoDevice;
        uint unmasked = Device.LatchError(severity, error);
        if (unmasked == 0) return VirtualErrorOutcome.Masked;
        if (!Device.ReportingEnabled(severity)) return VirtualErrorOutcome.ReportingDisabled;
        if (severity != ErrorSeverity.Correctable)
            Shadow.Store(ConfigHeader.SecondaryStatus, 2, (uint)(SecondaryStatus | ConfigHeader.StatusSystemError));
        if (!Aer.Receive(severity, Device.VirtualAddress.RequesterId)) return VirtualErrorOutcome.RootInterruptDisabled;
        _interrupts?.InjectVirtual(Domain, 0, VirtualIntId);
        return VirtualErrorOutcome.InterruptInjected;
    }

    /// <summary>Reports an error from raw status values and a Header Log (up to four dwords).</summary>
    public VirtualErrorOutcome RaiseError(ErrorSeverity severity, uint uncorrectableStatus, uint correctableStatus, ReadOnlySpan<uint> headerLog)
    {
        var error = new AerErrorSnapshot(uncorrectableStatus, 0, correctableStatus,
            uncorrectableStatus == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(uncorrectableStatus),
            headerLog.Length > 0 ? headerLog[0] : 0, headerLog.Length > 1 ? headerLog[1] : 0,
            headerLog.Length > 2 ? headerLog[2] : 0, headerLog.Length > 3 ? headerLog[3] : 0);
        return RaiseError(severity, error);
    }

    private void RegisterHeader()
    {
        foreach (var def in ConfigHeader.Type1.Registers)
        {
            switch (def.Offset)
            {
                // Bus numbers are fixed by the hypervisor (the guest's "firmware"): renumbering would move the device.
                case ConfigHeader.PrimaryBus: AddConstant(def.Offset, 1, def.Name, 0); break;
                case ConfigHeader.SecondaryBus: AddConstant(def.Offset, 1, def.Name, SecondaryBus); break;
                case ConfigHeader.SubordinateBus: AddConstant(def.Offset, 1, def.Name, SecondaryBus); break;
                case ConfigHeader.InterruptPin: AddConstant(def.Offset, 1, def.Name, 1); break; // INTA
                case ConfigHeader.BridgeControl:
                    {
                        var (ro, rw1c, rsvdP, rsvdZ) = ShadowRegisters.MasksOf(def);
                        var store = Registers.ShadowWriter(rw1c);
                        Registers.Add(new VirtualRegister(def.Offset, def.Width, def.Name, Registers.ShadowRead, (o, s, v) =>
                        {
                            bool wasReset = (BridgeControl & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
                            store(o, s, v);
                            if (!wasReset && (v & ConfigHeader.BridgeControlSecondaryBusReset) != 0)
                                OnSecondaryBusReset?.Invoke(this);
                        }, ro, rw1c, rsvdP, rsvdZ));
                        break;
                    }
                default: AddShadow(def, 0, InitialHeaderValue(def.Offset)); break;
            }
        }
    }

    private static uint InitialHeaderValue(int offset) => offset switch
    {
        ConfigHeader.VendorId => VendorIdValue,
        ConfigHeader.DeviceId => DeviceIdValue,
        ConfigHeader.Status => ConfigHeader.StatusCapabilitiesList,
        0x0A => 0x0604, // base class 06 (bridge), sub-class 04 (PCI-to-PCI)
        ConfigHeader.HeaderType => 0x01,
        ConfigHeader.CapabilitiesPointer => PciExpressOffset,
        ConfigHeader.InterruptLine => 0xFF,
        _ => 0,
    };

    private void RegisterPciExpress()
    {
        foreach (var def in SpecLayouts.PciExpressFor(PciePortType.RootPort, slotImplemented: false).Registers)
            AddShadow(def, PciExpressOffset, InitialPciExpressValue(def.Offset));
    }

    private static uint InitialPciExpressValue(int offset) => offset switch
    {
        0x00 => (uint)CapabilityId.PciExpress,                               // ID 0x10, next 0: the only capability
        PciExpressCapability.Capabilities => 2u | ((uint)PciePortType.RootPort << 4),
        PciExpressCapability.DeviceCapabilities => 1u << 15,                 // Role-Based Error Reporting (§7.5.3.3)
        PciExpressCapability.LinkCapabilities => PciExpressCapability.LinkCapDllActiveReporting | (1u << 4) | 1u, // x1, 2.5 GT/s
        PciExpressCapability.LinkStatus => PciExpressCapability.LinkStaDllActive | (1u << 4) | 1u,
        _ => 0,
    };
}
