namespace Bridgekeeper.Pci;

/// <summary>
/// The first 64 bytes of every function: the registers common to Type 0 and Type 1 headers
/// (PCIe Base 6.0 §7.5.1.1), their offsets and bits, and the two header layouts.
/// </summary>
public static class ConfigHeader
{
    public const int VendorId = 0x00;
    public const int DeviceId = 0x02;
    public const int Command = 0x04;
    public const int Status = 0x06;
    public const int RevisionId = 0x08;
    public const int ClassCode = 0x09;
    public const int CacheLineSize = 0x0C;
    public const int LatencyTimer = 0x0D;
    public const int HeaderType = 0x0E;
    public const int Bist = 0x0F;
    public const int CapabilitiesPointer = 0x34;
    public const int InterruptLine = 0x3C;
    public const int InterruptPin = 0x3D;

    // Type 0 (PCIe Base 6.0 §7.5.1.2)
    public const int Bar0 = 0x10;
    public const int CardbusCisPointer = 0x28;
    public const int SubsystemVendorId = 0x2C;
    public const int SubsystemId = 0x2E;
    public const int ExpansionRomBar = 0x30;
    public const int MinGnt = 0x3E;
    public const int MaxLat = 0x3F;

    // Type 1 (PCIe Base 6.0 §7.5.1.3)
    public const int PrimaryBus = 0x18;
    public const int SecondaryBus = 0x19;
    public const int SubordinateBus = 0x1A;
    public const int SecondaryLatencyTimer = 0x1B;
    public const int IoBase = 0x1C;
    public const int IoLimit = 0x1D;
    public const int SecondaryStatus = 0x1E;
    public const int MemoryBase = 0x20;
    public const int MemoryLimit = 0x22;
    public const int PrefetchableBase = 0x24;
    public const int PrefetchableLimit = 0x26;
    public const int PrefetchableBaseUpper = 0x28;
    public const int PrefetchableLimitUpper = 0x2C;
    public const int IoBaseUpper = 0x30;
    public const int IoLimitUpper = 0x32;
    public const int BridgeExpansionRomBar = 0x38;
    public const int BridgeControl = 0x3E;

    /// <summary>Header Type bit 7: the device has more than one function.</summary>
    public const byte MultiFunctionBit = 0x80;

    /// <summary>Status bit 4: a capability list is present at Capabilities Pointer.</summary>
    public const ushort StatusCapabilitiesList = 0x0010;

    public const ushort CommandIoSpace = 0x0001;
    public const ushort CommandMemorySpace = 0x0002;
    public const ushort CommandBusMaster = 0x0004;
    public const ushort CommandParityErrorResponse = 0x0040;
    public const ushort CommandSerrEnable = 0x0100;
    public const ushort CommandInterruptDisable = 0x0400;

    /// <summary>Status / Secondary Status bit 14: Signaled (primary) or Received (secondary) System Error.</summary>
    public const ushort StatusSystemError = 0x4000;

    public const ushort BridgeControlParityErrorResponse = 0x0001;
    public const ushort BridgeControlSerrEnable = 0x0002;

    /// <summary>Bridge Control bit 6, Secondary Bus Reset (PCIe Base 6.0 §7.5.1.3.13).</summary>
    public const ushort BridgeControlSecondaryBusReset = 0x0040;

    // PCIe Base 6.0 §7.5.1.1.3 Command: IO, Memory, Bus Master, Parity Error Response, SERR#,
    // Interrupt Disable are RW; bits 3, 4, 5, 7, 9 are legacy and hardwired to 0 in PCIe.
    private static RegisterDef CommandRegister => new(Command, 2, "Command", Rw: 0x0547, RsvdP: 0xF800);

    // §7.5.1.1.4 Status: bits 8, 11-15 RW1C; bit 0 Immediate Readiness, 3 Interrupt Status, 4 Capabilities
    // List, 5/7/9-10 legacy are RO; bits 1-2 and 6 reserved.
    private static RegisterDef StatusRegister => new(Status, 2, "Status", Rw1c: 0xF900, RsvdZ: 0x0046);

    private static readonly RegisterDef[] Common =
    [
        new(VendorId, 2, "Vendor ID"),                   // §7.5.1.1.1
        new(DeviceId, 2, "Device ID"),                   // §7.5.1.1.2
        CommandRegister,
        StatusRegister,
        new(RevisionId, 1, "Revision ID"),               // §7.5.1.1.5
        new(ClassCode, 1, "Programming Interface"),      // §7.5.1.1.6
        new(0x0A, 2, "Sub-Class and Base Class"),
        new(CacheLineSize, 1, "Cache Line Size", Rw: 0xFF), // §7.5.1.1.7: RW, no effect in PCIe
        new(LatencyTimer, 1, "Latency Timer"),           // §7.5.1.1.8: RO 0 in PCIe
        new(HeaderType, 1, "Header Type"),               // §7.5.1.1.9
        new(Bist, 1, "BIST"),                            // §7.5.1.1.10
    ];

    /// <summary>Type 0 header (endpoints), PCIe Base 6.0 §7.5.1.2. BARs and the ROM BAR get their writable
    /// bits from <see cref="ConfigAttributes.DeclareBar"/> once sizes are known.</summary>
    public static RegisterLayout Type0 { get; } = RegisterLayout.Of("Type 0 header", "PCIe Base 6.0 §7.5.1.2",
    [
        .. Common,
        new(0x10, 4, "BAR0"), new(0x14, 4, "BAR1"), new(0x18, 4, "BAR2"),
        new(0x1C, 4, "BAR3"), new(0x20, 4, "BAR4"), new(0x24, 4, "BAR5"),
        new(CardbusCisPointer, 4, "Cardbus CIS Pointer"),
        new(SubsystemVendorId, 2, "Subsystem Vendor ID", HwInit: 0xFFFF), // §7.5.1.2.3
        new(SubsystemId, 2, "Subsystem ID", HwInit: 0xFFFF),
        new(ExpansionRomBar, 4, "Expansion ROM Base Address"),            // §7.5.1.2.4
        new(CapabilitiesPointer, 1, "Capabilities Pointer"),              // §7.5.1.1.11
        new(0x35, 1, "Reserved 35h", RsvdP: 0xFF), new(0x36, 2, "Reserved 36h", RsvdP: 0xFFFF),
        new(0x38, 4, "Reserved 38h", RsvdP: 0xFFFF_FFFF),
        new(InterruptLine, 1, "Interrupt Line", Rw: 0xFF),                // §7.5.1.1.12
        new(InterruptPin, 1, "Interrupt Pin"),                            // §7.5.1.1.13
        new(MinGnt, 1, "Min_Gnt"), new(MaxLat, 1, "Max_Lat"),             // §7.5.1.2.5: RO 0 in PCIe
    ]);

    /// <summary>Type 1 header (bridges and ports), PCIe Base 6.0 §7.5.1.3.</summary>
    public static RegisterLayout Type1 { get; } = RegisterLayout.Of("Type 1 header", "PCIe Base 6.0 §7.5.1.3",
    [
        .. Common,
        new(0x10, 4, "BAR0"), new(0x14, 4, "BAR1"),
        new(PrimaryBus, 1, "Primary Bus Number", Rw: 0xFF),               // §7.5.1.3.2
        new(SecondaryBus, 1, "Secondary Bus Number", Rw: 0xFF),           // §7.5.1.3.3
        new(SubordinateBus, 1, "Subordinate Bus Number", Rw: 0xFF),       // §7.5.1.3.4
        new(SecondaryLatencyTimer, 1, "Secondary Latency Timer"),         // §7.5.1.3.5: RO 0 in PCIe
        new(IoBase, 1, "I/O Base", Rw: 0xF0),                             // §7.5.1.3.6: low nibble says 16/32-bit
        new(IoLimit, 1, "I/O Limit", Rw: 0xF0),
        new(SecondaryStatus, 2, "Secondary Status", Rw1c: 0xF900, RsvdZ: 0x00FF), // §7.5.1.3.7
        new(MemoryBase, 2, "Memory Base", Rw: 0xFFF0),                    // §7.5.1.3.8
        new(MemoryLimit, 2, "Memory Limit", Rw: 0xFFF0),
        new(PrefetchableBase, 2, "Prefetchable Memory Base", Rw: 0xFFF0), // §7.5.1.3.9
        new(PrefetchableLimit, 2, "Prefetchable Memory Limit", Rw: 0xFFF0),
        new(PrefetchableBaseUpper, 4, "Prefetchable Base Upper 32 Bits", Rw: 0xFFFF_FFFF), // §7.5.1.3.10
        new(PrefetchableLimitUpper, 4, "Prefetchable Limit Upper 32 Bits", Rw: 0xFFFF_FFFF),
        new(IoBaseUpper, 2, "I/O Base Upper 16 Bits", Rw: 0xFFFF),        // §7.5.1.3.11
        new(IoLimitUpper, 2, "I/O Limit Upper 16 Bits", Rw: 0xFFFF),
        new(CapabilitiesPointer, 1, "Capabilities Pointer"),
        new(0x35, 1, "Reserved 35h", RsvdP: 0xFF), new(0x36, 2, "Reserved 36h", RsvdP: 0xFFFF),
        new(BridgeExpansionRomBar, 4, "Expansion ROM Base Address"),      // §7.5.1.3.12
        new(InterruptLine, 1, "Interrupt Line", Rw: 0xFF),
        new(InterruptPin, 1, "Interrupt Pin"),
        // §7.5.1.3.13 Bridge Control: Parity Error Response, SERR# Enable, ISA Enable, VGA Enable,
        // VGA 16-bit Decode and Secondary Bus Reset are RW; Master Abort Mode, Fast Back-to-Back and
        // the discard-timer bits are RO 0 in PCIe; bits 12-15 reserved.
        new(BridgeControl, 2, "Bridge Control", Rw: 0x005F, RsvdP: 0xF000),
    ]);

    /// <summary>
    /// Applied over <see cref="Type1"/> when I/O Base bits 3:0 are 0h (16-bit I/O addressing): the
    /// Upper 16 Bits registers are then read-only zero (PCI-to-PCI Bridge 1.2 §3.2.5.10; §7.5.1.3.11).
    /// </summary>
    public static RegisterLayout Type1SixteenBitIo { get; } = RegisterLayout.Of("Type 1 header, 16-bit I/O", "PCIe Base 6.0 §7.5.1.3.11",
    [
        new(IoBaseUpper, 2, "I/O Base Upper 16 Bits"),
        new(IoLimitUpper, 2, "I/O Limit Upper 16 Bits"),
    ]);

    /// <summary>I/O Base/Limit bits 3:0: the bridge's I/O addressing capability (0h 16-bit, 1h 32-bit).</summary>
    public const byte IoAddressingMask = 0x0F;

    /// <summary>The header layout for a header type (0 or 1, bit 7 ignored), or null for CardBus and unknown types.</summary>
    public static RegisterLayout? ForHeaderType(byte headerType) => (headerType & 0x7F) switch
    {
        0 => Type0,
        1 => Type1,
        _ => null,
    };
}
