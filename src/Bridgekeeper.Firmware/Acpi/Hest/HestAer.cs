using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// PCI Express AER error sources: Root Port (type 6, ACPI 6.5 §18.3.2.4, Table 18.8, 48 bytes),
/// Device (type 7, §18.3.2.5, Table 18.9, 44 bytes) and Bridge (type 8, §18.3.2.6, Table 18.10,
/// 56 bytes). They share the first 44 bytes; <see cref="RootErrorCommand"/> exists only for a root
/// port and the three secondary fields only for a bridge (they must be zero for the other kinds).
/// </summary>
public sealed record HestAer(
    HestSourceType Kind,
    ushort SourceId,
    ushort Reserved1,
    HestAerFlags Flags,
    byte Enabled,
    uint RecordsToPreallocate,
    uint MaxSectionsPerRecord,
    uint Bus,
    ushort Device,
    ushort Function,
    ushort DeviceControl,
    ushort Reserved2,
    uint UncorrectableErrorMask,
    uint UncorrectableErrorSeverity,
    uint CorrectableErrorMask,
    uint AdvancedErrorCapabilities,
    uint RootErrorCommand = 0,
    uint SecondaryUncorrectableErrorMask = 0,
    uint SecondaryUncorrectableErrorSeverity = 0,
    uint SecondaryAdvancedCapabilities = 0) : HestErrorSource(SourceId)
{
    // ACPI 6.5 Tables 18.8-18.10
    private const int Reserved1Offset = 4;
    private const int FlagsOffset = 6;
    private const int EnabledOffset = 7;
    private const int RecordsOffset = 8;
    private const int MaxSectionsOffset = 12;
    private const int BusOffset = 16;
    private const int DeviceOffset = 20;
    private const int FunctionOffset = 22;
    private const int DeviceControlOffset = 24;
    private const int Reserved2Offset = 26;
    private const int UncorrectableMaskOffset = 28;
    private const int UncorrectableSeverityOffset = 32;
    private const int CorrectableMaskOffset = 36;
    private const int AdvancedCapabilitiesOffset = 40;
    private const int RootErrorCommandOffset = 44;           // type 6 only
    private const int SecondaryUncorrectableMaskOffset = 44; // type 8 only
    private const int SecondaryUncorrectableSeverityOffset = 48;
    private const int SecondaryAdvancedCapabilitiesOffset = 52;
    internal const int RootPortSize = 48;
    internal const int EndpointSize = 44;
    internal const int BridgeSize = 56;

    public override HestSourceType Type => Kind;

    public override int Length => SizeOf(Kind);

    /// <summary>Bit 0 of Flags: the platform handles these errors first (ACPI 6.5 Table 18.8).</summary>
    public bool FirmwareFirst => (Flags & HestAerFlags.FirmwareFirst) != 0;

    /// <summary>Bit 1 of Flags: the entry applies to every device of its kind; Bus/Device/Function are ignored.</summary>
    public bool Global => (Flags & HestAerFlags.Global) != 0;

    /// <summary>Bus number: bits 7:0 of the Bus field.</summary>
    public byte BusNumber => (byte)Bus;

    /// <summary>PCI segment group: bits 23:8 of the Bus field (ACPI 6.5 Table 18.8).</summary>
    public ushort Segment => (ushort)(Bus >> 8);

    internal static int SizeOf(HestSourceType kind) => kind switch
    {
        HestSourceType.PcieRootPortAer => RootPortSize,
        HestSourceType.PcieEndpointAer => EndpointSize,
        HestSourceType.PcieBridgeAer => BridgeSize,
        _ => throw new ArgumentException($"{kind} is not a PCIe AER error source type"),
    };

    public static HestAer Read(HestSourceType kind, ReadOnlySpan<byte> s) => new(
        kind,
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(SourceIdOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(Reserved1Offset)),
        (HestAerFlags)s[FlagsOffset], s[EnabledOffset],
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RecordsOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(MaxSectionsOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(BusOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(DeviceOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(FunctionOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(DeviceControlOffset)),
        BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(Reserved2Offset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(UncorrectableMaskOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(UncorrectableSeverityOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(CorrectableMaskOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(AdvancedCapabilitiesOffset)),
        kind == HestSourceType.PcieRootPortAer ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(RootErrorCommandOffset)) : 0,
        kind == HestSourceType.PcieBridgeAer ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(SecondaryUncorrectableMaskOffset)) : 0,
        kind == HestSourceType.PcieBridgeAer ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(SecondaryUncorrectableSeverityOffset)) : 0,
        kind == HestSourceType.PcieBridgeAer ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(SecondaryAdvancedCapabilitiesOffset)) : 0);

    public override void Write(Span<byte> d)
    {
        int size = SizeOf(Kind);
        if (Kind != HestSourceType.PcieRootPortAer && RootErrorCommand != 0)
            throw new ArgumentException($"HEST source {SourceId}: only a root port (type 6) has a Root Error Command");
        if (Kind != HestSourceType.PcieBridgeAer
            && (SecondaryUncorrectableErrorMask | SecondaryUncorrectableErrorSeverity | SecondaryAdvancedCapabilities) != 0)
            throw new ArgumentException($"HEST source {SourceId}: only a bridge (type 8) has secondary AER fields");
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(TypeOffset), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(SourceIdOffset), SourceId);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(Reserved1Offset), Reserved1);
        d[FlagsOffset] = (byte)Flags;
        d[EnabledOffset] = Enabled;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RecordsOffset), RecordsToPreallocate);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MaxSectionsOffset), MaxSectionsPerRecord);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(BusOffset), Bus);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(DeviceOffset), Device);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(FunctionOffset), Function);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(DeviceControlOffset), DeviceControl);
        BinaryPrimitives.WriteUInt16LittleEndian(d.Slice(Reserved2Offset), Reserved2);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(UncorrectableMaskOffset), UncorrectableErrorMask);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(UncorrectableSeverityOffset), UncorrectableErrorSeverity);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(CorrectableMaskOffset), CorrectableErrorMask);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(AdvancedCapabilitiesOffset), AdvancedErrorCapabilities);
        if (size == RootPortSize)
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(RootErrorCommandOffset), RootErrorCommand);
        if (size == BridgeSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(SecondaryUncorrectableMaskOffset), SecondaryUncorrectableErrorMask);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(SecondaryUncorrectableSeverityOffset), SecondaryUncorrectableErrorSeverity);
            BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(SecondaryAdvancedCapabilitiesOffset), SecondaryAdvancedCapabilities);
        }
    }
}
