namespace Bridgekeeper.Pci;

/// <summary>
/// The PCI Express Capability (ID 0x10, PCIe Base 6.0 §7.5.3): offsets, the register layout (which
/// depends on the port type and whether a slot is implemented), and a typed view.
/// </summary>
public static class PciExpressCapability
{
    public const int Capabilities = 0x02;
    public const int DeviceCapabilities = 0x04;
    public const int DeviceControl = 0x08;
    public const int DeviceStatus = 0x0A;
    public const int LinkCapabilities = 0x0C;
    public const int LinkControl = 0x10;
    public const int LinkStatus = 0x12;
    public const int SlotCapabilities = 0x14;
    public const int SlotControl = 0x18;
    public const int SlotStatus = 0x1A;
    public const int RootControl = 0x1C;
    public const int RootCapabilities = 0x1E;
    public const int RootStatus = 0x20;
    public const int DeviceCapabilities2 = 0x24;
    public const int DeviceControl2 = 0x28;
    public const int DeviceStatus2 = 0x2A;
    public const int LinkCapabilities2 = 0x2C;
    public const int LinkControl2 = 0x30;
    public const int LinkStatus2 = 0x32;
    public const int SlotCapabilities2 = 0x34;
    public const int SlotControl2 = 0x38;
    public const int SlotStatus2 = 0x3A;

    /// <summary>Length of a version 2 capability (through Slot Status 2).</summary>
    public const int Version2Length = 0x3C;

    // Device Control (§7.5.3.4) bits used by error reporting and reset.
    public const ushort DevCtlCorrectableReporting = 0x0001;
    public const ushort DevCtlNonFatalReporting = 0x0002;
    public const ushort DevCtlFatalReporting = 0x0004;
    public const ushort DevCtlUnsupportedRequestReporting = 0x0008;
    public const ushort DevCtlInitiateFlr = 0x8000;

    // Device Status (§7.5.3.5), RW1C bits.
    public const ushort DevStaCorrectableDetected = 0x0001;
    public const ushort DevStaNonFatalDetected = 0x0002;
    public const ushort DevStaFatalDetected = 0x0004;
    public const ushort DevStaUnsupportedRequestDetected = 0x0008;
    public const ushort DevStaTransactionsPending = 0x0020;

    /// <summary>Device Capabilities bit 28: Function Level Reset capable (§7.5.3.3).</summary>
    public const uint DevCapFlrCapable = 1u << 28;

    /// <summary>Link Capabilities bit 20: Data Link Layer Link Active Reporting capable (§7.5.3.6).</summary>
    public const uint LinkCapDllActiveReporting = 1u << 20;

    /// <summary>Link Status bit 13: Data Link Layer Link Active (§7.5.3.8).</summary>
    public const ushort LinkStaDllActive = 0x2000;

    /// <summary>Link Status bit 11: Link Training.</summary>
    public const ushort LinkStaTraining = 0x0800;

    /// <summary>Root Control bit 4: CRS (RRS) Software Visibility Enable (§7.5.3.12).</summary>
    public const ushort RootCtlRrsSoftwareVisibility = 0x0010;

    // Device Control 2 bit 5: ARI Forwarding Enable (§7.5.3.16).
    public const ushort DevCtl2AriForwarding = 0x0020;

    /// <summary>Device Capabilities 2 bit 31: FRS Supported (§7.5.3.15).</summary>
    public const uint DevCap2FrsSupported = 1u << 31;

    /// <summary>Link Capabilities 2 bit 31: DRS Supported (§7.5.3.18).</summary>
    public const uint LinkCap2DrsSupported = 1u << 31;

    /// <summary>Link Status 2 bit 15: DRS Message Received, RW1C (§7.5.3.20).</summary>
    public const ushort LinkSta2DrsMessageReceived = 0x8000;

    public static RegisterLayout Layout(PciePortType portType, bool slotImplemented)
    {
        bool hasLink = portType is not (PciePortType.RCiEP or PciePortType.RCEC);
        bool hasRoot = portType is PciePortType.RootPort or PciePortType.RCEC;
        bool downstream = portType is PciePortType.RootPort or PciePortType.DownstreamPort;
        bool slot = slotImplemented && downstream;
        return RegisterLayout.Of($"PCI Express capability ({portType})", "PCIe Base 6.0 §7.5.3",
        [
            new(0x00, 2, "Capability Header"),
            new(Capabilities, 2, "PCI Express Capabilities", HwInit: 0x0100),   // §7.5.3.2: Slot Implemented is HwInit
            new(DeviceCapabilities, 4, "Device Capabilities"),                  // §7.5.3.3
            // §7.5.3.4: error reporting enables, Relaxed Ordering, MPS, Extended Tag, Phantom Functions,
            // No Snoop, MRRS and Initiate FLR (bridge retry enable) are RW; Aux Power PM Enable is RWS.
            new(DeviceControl, 2, "Device Control", Rw: 0xFFFF, Sticky: 0x0400),
            // §7.5.3.5: the four error-detected bits are RW1C; AUX Power, Transactions Pending and
            // Emergency Power Reduction Detected (RW1C) follow.
            new(DeviceStatus, 2, "Device Status", Rw1c: 0x004F, RsvdZ: 0xFF80),
            new(LinkCapabilities, 4, "Link Capabilities"),                      // §7.5.3.6
            // §7.5.3.7: ASPM, RCB, Link Disable, Retrain Link, Common Clock, Extended Synch, Clock PM,
            // HW Autonomous Width Disable, the two bandwidth interrupt enables, DRS Signaling Control.
            hasLink ? new(LinkControl, 2, "Link Control", Rw: 0xCFFB, RsvdP: 0x3004) : new(LinkControl, 2, "Link Control", RsvdP: 0xFFFF),
            // §7.5.3.8: Link Bandwidth Management and Link Autonomous Bandwidth Status are RW1C.
            hasLink ? new(LinkStatus, 2, "Link Status", Rw1c: 0xC000) : new(LinkStatus, 2, "Link Status", RsvdZ: 0xFFFF),
            new(SlotCapabilities, 4, "Slot Capabilities", HwInit: slot ? 0xFFFF_FFFFu : 0),           // §7.5.3.9
            slot ? new(SlotControl, 2, "Slot Control", Rw: 0x1FFF, RsvdP: 0xE000)                     // §7.5.3.10
                 : new(SlotControl, 2, "Slot Control", RsvdP: 0xFFFF),
            slot ? new(SlotStatus, 2, "Slot Status", Rw1c: 0x011F, RsvdZ: 0xFE00)                     // §7.5.3.11
                 : new(SlotStatus, 2, "Slot Status", RsvdZ: 0xFFFF),
            hasRoot ? new(RootControl, 2, "Root Control", Rw: 0x001F, RsvdP: 0xFFE0)                  // §7.5.3.12
                    : new(RootControl, 2, "Root Control", RsvdP: 0xFFFF),
            new(RootCapabilities, 2, "Root Capabilities", RsvdP: hasRoot ? 0xFFFEu : 0xFFFFu),        // §7.5.3.13
            hasRoot ? new(RootStatus, 4, "Root Status", Rw1c: 0x0001_0000, RsvdZ: 0xFFFC_0000)        // §7.5.3.14: PME Status RW1C
                    : new(RootStatus, 4, "Root Status", RsvdZ: 0xFFFF_FFFF),
            new(DeviceCapabilities2, 4, "Device Capabilities 2"),                                     // §7.5.3.15
            // §7.5.3.16: Completion Timeout, ARI Forwarding, AtomicOp, IDO, LTR, OBFF, 10-bit tags, prefix blocking.
            new(DeviceControl2, 2, "Device Control 2", Rw: 0xFFFF),
            new(DeviceStatus2, 2, "Device Status 2", RsvdZ: 0xFFFF),                                  // §7.5.3.17
            new(LinkCapabilities2, 4, "Link Capabilities 2"),                                         // §7.5.3.18
            // §7.5.3.19: Target Link Speed, compliance and margin fields are RWS; Selectable De-emphasis HwInit.
            hasLink ? new(LinkControl2, 2, "Link Control 2", Rw: 0xFFBF, Sticky: 0xFFBF, HwInit: 0x0040)
                    : new(LinkControl2, 2, "Link Control 2", RsvdP: 0xFFFF),
            // §7.5.3.20: Link Equalization Request is RW1CS; the rest is status.
            hasLink ? new(LinkStatus2, 2, "Link Status 2", Rw1c: 0x8020, Sticky: 0x0020) // bit 15 DRS Message Received (§7.5.3.20)
                    : new(LinkStatus2, 2, "Link Status 2", RsvdZ: 0xFFFF),
            new(SlotCapabilities2, 4, "Slot Capabilities 2"),
            new(SlotControl2, 2, "Slot Control 2", RsvdP: 0xFFFF),
            new(SlotStatus2, 2, "Slot Status 2", RsvdZ: 0xFFFF),
        ]);
    }

    /// <summary>The layout for the capability as found in <paramref name="config"/> at <paramref name="offset"/>.</summary>
    public static RegisterLayout LayoutAt(ReadOnlySpan<byte> config, int offset)
    {
        var v = new View(config, offset);
        return Layout(v.PortType, v.SlotImplemented);
    }

    /// <summary>A read-only view of the capability in raw config bytes.</summary>
    public readonly ref struct View
    {
        private readonly ReadOnlySpan<byte> _config;

        public View(ReadOnlySpan<byte> config, int offset)
        {
            _config = config;
            Offset = offset;
        }

        public int Offset { get; }

        public ushort CapabilitiesRegister => ConfigBytes.U16(_config, Offset + Capabilities);

        public int Version => CapabilitiesRegister & 0xF;

        public PciePortType PortType => (PciePortType)((CapabilitiesRegister >> 4) & 0xF);

        public bool SlotImplemented => (CapabilitiesRegister & 0x0100) != 0;

        public int InterruptMessageNumber => (CapabilitiesRegister >> 9) & 0x1F;

        public uint DevCap => ConfigBytes.U32(_config, Offset + DeviceCapabilities);

        public ushort DevCtl => ConfigBytes.U16(_config, Offset + DeviceControl);

        public ushort DevSta => ConfigBytes.U16(_config, Offset + DeviceStatus);

        public uint LinkCap => ConfigBytes.U32(_config, Offset + LinkCapabilities);

        public ushort LinkCtl => ConfigBytes.U16(_config, Offset + LinkControl);

        public ushort LinkSta => ConfigBytes.U16(_config, Offset + LinkStatus);

        public uint SlotCap => ConfigBytes.U32(_config, Offset + SlotCapabilities);

        public ushort SlotCtl => ConfigBytes.U16(_config, Offset + SlotControl);

        public ushort SlotSta => ConfigBytes.U16(_config, Offset + SlotStatus);

        public ushort RootCtl => ConfigBytes.U16(_config, Offset + RootControl);

        public ushort RootCap => ConfigBytes.U16(_config, Offset + RootCapabilities);

        public uint RootSta => ConfigBytes.U32(_config, Offset + RootStatus);

        public uint DevCap2 => ConfigBytes.U32(_config, Offset + DeviceCapabilities2);

        public ushort DevCtl2 => ConfigBytes.U16(_config, Offset + DeviceControl2);

        public uint LinkCap2 => ConfigBytes.U32(_config, Offset + LinkCapabilities2);

        public ushort LinkCtl2 => ConfigBytes.U16(_config, Offset + LinkControl2);

        public ushort LinkSta2 => ConfigBytes.U16(_config, Offset + LinkStatus2);

        /// <summary>Current Link Speed (Link Status bits 3:0): 1 = 2.5 GT/s, 2 = 5, 3 = 8, 4 = 16, 5 = 32, 6 = 64.</summary>
        public int LinkSpeed => LinkSta & 0xF;

        /// <summary>Negotiated Link Width (Link Status bits 9:4).</summary>
        public int LinkWidth => (LinkSta >> 4) & 0x3F;

        public int MaxLinkSpeed => (int)(LinkCap & 0xF);

        public int MaxLinkWidth => (int)((LinkCap >> 4) & 0x3F);

        /// <summary>Port Number (Link Capabilities bits 31:24).</summary>
        public int PortNumber => (int)(LinkCap >> 24);

        public bool FlrCapable => (DevCap & DevCapFlrCapable) != 0;

        /// <summary>Phantom Functions Supported (Device Capabilities bits 4:3).</summary>
        public int PhantomFunctionsSupported => (int)((DevCap >> 3) & 0x3);

        /// <summary>Phantom Functions Enable (Device Control bit 9).</summary>
        public bool PhantomFunctionsEnabled => (DevCtl & 0x0200) != 0;

        public bool AriForwardingEnabled => (DevCtl2 & DevCtl2AriForwarding) != 0;

        public bool DllActiveReportingCapable => (LinkCap & LinkCapDllActiveReporting) != 0;

        public bool DllActive => (LinkSta & LinkStaDllActive) != 0;
    }
}
