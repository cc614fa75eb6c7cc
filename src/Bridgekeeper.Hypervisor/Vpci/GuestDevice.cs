using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's view of one assigned physical function (Xen's per-device <c>struct vpci</c> for a domU):
/// emulated IDs, Command, Status, BARs and ROM; a capability chain filtered to MSI, MSI-X and PCI
/// Express; a shadow AER capability as the only extended capability. Registers that reach hardware
/// touch only this function, through the serialised config path. Built by <see cref="Build"/>, which
/// reads the physical function once (under the config lock) and registers every handler.
/// </summary>
public sealed class GuestDevice : VirtualFunction
{
    /// <summary>Command bits a guest may change: Memory Space, Bus Master, Interrupt Disable (Xen's guest rsvdp mask leaves these).</summary>
    public const ushort GuestCommandBits = ConfigHeader.CommandMemorySpace | ConfigHeader.CommandBusMaster | ConfigHeader.CommandInterruptDisable;

    private readonly SerialisedConfigAccess _config;

    private GuestDevice(Sbdf virtualAddress, Sbdf physical, DomainId domain, SerialisedConfigAccess config, GuestBarSet bars)
        : base(virtualAddress)
    {
        Physical = physical;
        Domain = domain;
        _config = config;
        Bars = bars;
    }

    public Sbdf Physical { get; }

    public DomainId Domain { get; }

    public GuestBarSet Bars { get; }

    /// <summary>The shadow AER capability, or null for a conventional (non-PCIe) function.</summary>
    public VirtualAerCapability? Aer { get; private set; }

    /// <summary>Offset of the PCI Express capability in the guest's (and the physical) layout, or null.</summary>
    public int? PciExpressOffset { get; private set; }

    /// <summary>Offset of the MSI capability, or null.</summary>
    public int? MsiOffset { get; private set; }

    /// <summary>The ITS DeviceID of the physical function and the interrupt controller that maps its LPIs to this guest.</summary>
    public uint ItsDeviceId { get; private set; }

    internal IInterruptController? Interrupts { get; private set; }

    /// <summary>Host MMIO, where the physical MSI-X table and PBA are written and read; null: not programmed.</summary>
    internal ISystemMemory? Mmio { get; private set; }

    /// <summary>The host ITS doorbell the device's physical MSI/MSI-X messages target.</summary>
    public ulong ItsDoorbell { get; private set; }

    /// <summary>
    /// The first ITS EventID of this function's vectors: 0, or DevFn x 256 when its MSIs carry a DMA alias
    /// shared with other functions behind the same bridge (<see cref="SharesItsDeviceId"/>), so their
    /// events never collide under the one DeviceID (Linux's ITS sizes such an ITT for every alias).
    /// </summary>
    public uint EventIdBase { get; private set; }

    /// <summary>The ITS DeviceID is a bridge's DMA alias that other functions may share.</summary>
    public bool SharesItsDeviceId { get; private set; }

    /// <summary>The physical MSI programming, or null when the function has no MSI capability.</summary>
    public PhysicalMsi? Msi { get; private set; }

    /// <summary>The emulated MSI-X table and PBA, or null when the function has no MSI-X capability.</summary>
    public GuestMsixTable? Msix { get; private set; }

    /// <summary>Reports a refused BAR mapping (the guest's decode stays off).</summary>
    internal Action<GuestDevice, string>? OnMapRefused { get; set; }

    /// <summary>
    /// Builds the guest view of <paramref name="physical"/>: snapshots its config space, sizes its BARs,
    /// and registers every emulated register. Only Type 0 functions can be shown to a guest.
    /// </summary>
    public static GuestDevice Build(Sbdf virtualAddress, Sbdf physical, DomainId domain, SerialisedConfigAccess config,
        IInterruptController? interrupts = null, uint itsDeviceId = 0, Sbdf? physicalFunction = null,
        ISystemMemory? mmio = null, ulong itsDoorbell = HypervisorPorts.DefaultItsDoorbell, uint eventIdBase = 0, bool sharesItsDeviceId = false)
    {
        // The snapshot is only read while building (every register takes its initial value from it), so it
        // lives in a pooled buffer returned at the end rather than a fresh 4 KiB array per assignment.
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ConfigSpace.ExtendedSize);
        try
        {
            var snapshot = buffer.AsSpan(0, ConfigSpace.ExtendedSize);
            config.WithConfigLock(p => Snapshot(p, physical, buffer));
            return Build(snapshot, virtualAddress, physical, domain, config, interrupts, itsDeviceId, physicalFunction, mmio, itsDoorbell, eventIdBase, sharesItsDeviceId);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static GuestDevice Build(Span<byte> snapshot, Sbdf virtualAddress, Sbdf physical, DomainId domain, SerialisedConfigAccess config,
        IInterruptController? interrupts, uint itsDeviceId, Sbdf? physicalFunction, ISystemMemory? mmio, ulong itsDoorbell, uint eventIdBase, bool sharesItsDeviceId)
    {
        int sriov = physicalFunction is Sbdf pf ? PresentVirtualFunctionIds(config, pf, snapshot) : 0;
        if (ConfigBytes.HeaderType(snapshot) != 0)
            throw new InvalidOperationException($"{physical} has header type {ConfigBytes.HeaderType(snapshot)}; only Type 0 functions can be given to a guest");
        var bars = new GuestBarSet(physicalFunction is Sbdf parent
            ? VirtualFunctionBars.Size(config, parent, physical, sriov)
            : BarSizer.Size(config, physical));
        var device = new GuestDevice(virtualAddress, physical, domain, config, bars)
        {
            Interrupts = interrupts,
            ItsDeviceId = itsDeviceId,
            Mmio = mmio,
            ItsDoorbell = itsDoorbell,
            EventIdBase = eventIdBase,
            SharesItsDeviceId = sharesItsDeviceId,
        };
        var chain = GuestCapabilityChain.Register(device, snapshot);
        GuestHeaderRegisters.Register(device, snapshot, chain.FirstOffset);
        bars.Register(device.Registers);
        foreach (var cap in chain.Visible)
        {
            switch ((CapabilityId)cap.Id)
            {
                case CapabilityId.PciExpress:
                    device.PciExpressOffset = cap.Offset;
                    GuestPciExpressRegisters.Register(device, snapshot, cap.Offset);
                    break;
                case CapabilityId.Msi:
                    device.MsiOffset = cap.Offset;
                    device.Msi = GuestMsiRegisters.Register(device, snapshot, cap.Offset);
                    break;
                case CapabilityId.MsiX:
                    device.Msix = GuestMsixRegisters.Register(device, snapshot, cap.Offset);
                    break;
            }
        }
        if (device.PciExpressOffset is not null)
            device.Aer = RegisterAer(device, snapshot);
        return device;
    }

    /// <summary>The device side of an error (§6.2.5): latches the shadow AER and Device Status; returns the unmasked bits.</summary>
    public uint LatchError(ErrorSeverity severity, in AerErrorSnapshot error)
    {
        if (Aer is null || PciExpressOffset is not int pcie) return 0;
        uint unmasked = Aer.Latch(severity, error);
        ushort detected = severity switch
        {
            ErrorSeverity.Correctable => PciExpressCapability.DevStaCorrectableDetected,
            ErrorSeverity.Fatal => PciExpressCapability.DevStaFatalDetected,
            _ => PciExpressCapability.DevStaNonFatalDetected,
        };
        if (severity != ErrorSeverity.Correctable && (error.UncorrectableStatus & AerCapability.UnsupportedRequest) != 0)
            detected |= PciExpressCapability.DevStaUnsupportedRequestDetected;
        int at = pcie + PciExpressCapability.DeviceStatus;
        Shadow.Store(at, 2, Shadow.Read(at, 2) | detected);
        return unmasked;
    }

    /// <summary>
    /// Whether the guest enabled reporting of this severity in its (shadow) Device Control (§6.2.5):
    /// an error message is sent only when it did.
    /// </summary>
    public bool ReportingEnabled(ErrorSeverity severity)
    {
        if (PciExpressOffset is not int pcie) return false;
        ushort control = (ushort)Shadow.Read(pcie + PciExpressCapability.DeviceControl, 2);
        ushort bit = severity switch
        {
            ErrorSeverity.Correctable => PciExpressCapability.DevCtlCorrectableReporting,
            ErrorSeverity.Fatal => PciExpressCapability.DevCtlFatalReporting,
            _ => PciExpressCapability.DevCtlNonFatalReporting,
        };
        return (control & bit) != 0;
    }

    internal uint PhysicalRead(int offset, int size) => _config.Read(Physical, offset, size);

    /// <summary>A multi-access physical sequence on this function under the config lock.</summary>
    internal void WithPhysical(Action<IConfigAccess> sequence) => _config.WithConfigLock(sequence);

    /// <summary>
    /// Writes the guest's MSI and MSI-X state to the physical function again: after a reset (FLR, SBR)
    /// the device's MSI registers and MSI-X table are back at their defaults while the guest still
    /// believes its vectors are set up. The ITS mappings are rebuilt as well.
    /// </summary>
    public void RestoreInterruptState()
    {
        Msi?.Restore();
        Msix?.Restore();
    }

    /// <summary>Maps this function's enabled events in the ITS again (after a shared DeviceID was unmapped); touches no device register.</summary>
    internal void MapEvents()
    {
        Msi?.MapEvents();
        Msix?.MapEvents();
    }

    /// <summary>A guest read of a trapped BAR page (MSI-X table, PBA, or what shares their pages); null when <paramref name="guestAddress"/> is not trapped here.</summary>
    public ulong? MmioRead(ulong guestAddress, int size) =>
        Msix is { } msix && Bars.TryTrapped(guestAddress, out int bar, out ulong offset) ? msix.Read(bar, offset, size) : null;

    /// <summary>A guest write to a trapped BAR page; false when <paramref name="guestAddress"/> is not trapped here.</summary>
    public bool MmioWrite(ulong guestAddress, int size, ulong value)
    {
        if (Msix is not { } msix || !Bars.TryTrapped(guestAddress, out int bar, out ulong offset)) return false;
        msix.Write(bar, offset, size, value);
        return true;
    }

    internal void PhysicalWrite(int offset, int size, uint value) => _config.Write(Physical, offset, size, value);

    /// <summary>The guest's Command write: decode drives BAR mapping, and the guest bits are committed to the device.</summary>
    internal void WriteCommand(int offset, int size, uint value)
    {
        uint old = Shadow.Read(ConfigHeader.Command, 2);
        uint next = value & GuestCommandBits;
        bool wantMemory = (next & ConfigHeader.CommandMemorySpace) != 0;
        if (wantMemory != ((old & ConfigHeader.CommandMemorySpace) != 0))
        {
            if (!Bars.SetDecode(wantMemory))
            {
                next &= ~(uint)ConfigHeader.CommandMemorySpace;
                if (wantMemory) OnMapRefused?.Invoke(this, Bars.MapRefusal ?? "mapping refused");
            }
        }
        Shadow.Store(ConfigHeader.Command, 2, next);
        uint physical = PhysicalRead(ConfigHeader.Command, 2);
        PhysicalWrite(ConfigHeader.Command, 2, (physical & ~(uint)GuestCommandBits) | next);
    }

    /// <summary>Tears down the guest's BAR mappings (before the IOMMU switch; the assigner unmaps the ITS DeviceID).</summary>
    internal void TearDown() => Bars.SetDecode(false);

    /// <summary>
    /// A VF's Vendor ID and Device ID registers read 0xFFFF (SR-IOV, PCIe Base 6.0 §9.3.4.1.1-2): the
    /// guest must see the PF's Vendor ID and the VF Device ID from the PF's SR-IOV capability, as Xen
    /// and VFIO present them, or its driver never binds.
    /// </summary>
    /// <returns>The offset of the PF's SR-IOV capability.</returns>
    private static int PresentVirtualFunctionIds(SerialisedConfigAccess config, Sbdf pf, Span<byte> snapshot)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ConfigSpace.ExtendedSize);
        try
        {
            config.WithConfigLock(p => Snapshot(p, pf, buffer));
            var parent = buffer.AsSpan(0, ConfigSpace.ExtendedSize);
            if (CapabilityList.FindExtended(parent, ExtendedCapabilityId.SingleRootIov) is not int sriov)
                throw new InvalidOperationException($"{pf} is named as a physical function but has no SR-IOV capability");
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(snapshot[ConfigHeader.VendorId..], ConfigBytes.U16(parent, ConfigHeader.VendorId));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(snapshot[ConfigHeader.DeviceId..], ConfigBytes.U16(parent, sriov + SriovCapability.VfDeviceId));
            return sriov;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the function's config space into the first 4 KiB of <paramref name="bytes"/>: the 256-byte
    /// conventional space, and the extended space only for a PCI Express function (it exists only there,
    /// §7.2.2); otherwise those bytes are zero. Each part is one block read (the same dword loads).
    /// </summary>
    private static void Snapshot(IConfigAccess physical, Sbdf function, byte[] bytes)
    {
        var conventional = bytes.AsSpan(0, ConfigSpace.ConventionalSize);
        var extended = bytes.AsSpan(ConfigSpace.ConventionalSize, ConfigSpace.ExtendedSize - ConfigSpace.ConventionalSize);
        physical.ReadBlock(function, 0, conventional);
        if (CapabilityList.FindStandard(conventional, CapabilityId.PciExpress) is not null)
            physical.ReadBlock(function, ConfigSpace.ConventionalSize, extended);
        else
            extended.Clear();
    }

    private static VirtualAerCapability RegisterAer(GuestDevice device, ReadOnlySpan<byte> snapshot)
    {
        if (CapabilityList.FindExtended(snapshot, ExtendedCapabilityId.AdvancedErrorReporting) is int aer)
        {
            var v = new AerCapability.View(snapshot, aer);
            return VirtualAerCapability.Register(device.Registers, device.Shadow, rootRegisters: false,
                v.UncorMask, v.UncorSeverity, v.CorMask, v.CapControl);
        }
        return VirtualAerCapability.Register(device.Registers, device.Shadow, rootRegisters: false,
            0, AerCapability.DefaultSeverity, AerCapability.DefaultCorrectableMask, 0);
    }
}
