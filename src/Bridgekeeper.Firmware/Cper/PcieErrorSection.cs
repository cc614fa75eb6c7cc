using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The CPER PCI Express Error Section (UEFI 2.10 App. N.2.7, Table N-31; Linux <c>struct cper_sec_pcie</c>),
/// 208 bytes. Every byte has a home here (including the reserved ones), so <see cref="Write"/> after
/// <see cref="Read"/> gives the same bytes. Reading allocates nothing.
/// </summary>
public readonly record struct PcieErrorSection
{
    public const int Size = 208;

    /// <summary>Section type GUID (UEFI 2.10 App. N.2.2 Table N-6).</summary>
    public static readonly Guid TypeGuid = new("d995e954-bbc1-430f-ad91-b44dcb3c6f35");

    // UEFI 2.10 App. N Table N-31, offsets inside the section.
    public const int ValidationOffset = 0, PortTypeOffset = 8, VersionOffset = 12, CommandOffset = 16, StatusOffset = 18,
        Reserved0Offset = 20, VendorIdOffset = 24, DeviceIdOffset = 26, ClassCodeOffset = 28, FunctionOffset = 31,
        DeviceOffset = 32, SegmentOffset = 33, PrimaryBusOffset = 35, SecondaryBusOffset = 36, SlotOffset = 37,
        Reserved1Offset = 39, SerialNumberOffset = 40, BridgeSecondaryStatusOffset = 48, BridgeControlOffset = 50,
        CapabilityOffset = 52, AerOffset = 112;

    /// <summary>Validation bits (Linux <c>CPER_PCIE_VALID_*</c>).</summary>
    public const ulong PortTypeValid = 0x01, VersionValid = 0x02, CommandStatusValid = 0x04, DeviceIdValid = 0x08,
        SerialNumberValid = 0x10, BridgeControlStatusValid = 0x20, CapabilityValid = 0x40, AerInfoValid = 0x80;

    public ulong ValidationBits { get; init; }
    /// <summary>Device/port type in the PCIe Capabilities register encoding (0 endpoint .. 10 RCEC).</summary>
    public uint PortType { get; init; }
    /// <summary>Version: minor (BCD) in bits 7:0, major (BCD) in bits 15:8, bits 31:16 reserved.</summary>
    public uint Version { get; init; }
    public ushort Command { get; init; }
    public ushort Status { get; init; }
    public uint Reserved0 { get; init; }
    public ushort VendorId { get; init; }
    public ushort DeviceId { get; init; }
    /// <summary>The three class-code bytes as stored: byte 28 in bits 7:0, 29 in 15:8, 30 in 23:16.</summary>
    public uint ClassCodeBytes { get; init; }
    public byte Function { get; init; }
    public byte Device { get; init; }
    public ushort Segment { get; init; }
    public byte PrimaryOrDeviceBus { get; init; }
    public byte SecondaryBus { get; init; }
    /// <summary>Raw slot field: bits 2:0 reserved, bits 15:3 slot number (Linux CPER_PCIE_SLOT_SHIFT).</summary>
    public ushort SlotRaw { get; init; }
    public byte Reserved1 { get; init; }
    public ulong SerialNumber { get; init; }
    public ushort BridgeSecondaryStatus { get; init; }
    public ushort BridgeControl { get; init; }
    public PcieCapabilityBlock Capability { get; init; }
    public AerRegisterBlock Aer { get; init; }

    public int SlotNumber => SlotRaw >> 3;

    public bool Has(ulong validBit) => (ValidationBits & validBit) == validBit;

    public static PcieErrorSection Read(ReadOnlySpan<byte> body, string source, long baseOffset = 0)
    {
        var r = new FirmwareReader(body, source, baseOffset);
        r.Need(Size, "pcie section");
        return new PcieErrorSection
        {
            ValidationBits = r.ReadUInt64("pcie.validationBits"),
            PortType = r.ReadUInt32("pcie.portType"),
            Version = r.ReadUInt32("pcie.version"),
            Command = r.ReadUInt16("pcie.command"),
            Status = r.ReadUInt16("pcie.status"),
            Reserved0 = r.ReadUInt32("pcie.reserved"),
            VendorId = r.ReadUInt16("pcie.deviceID.vendorID"),
            DeviceId = r.ReadUInt16("pcie.deviceID.deviceID"),
            ClassCodeBytes = r.ReadByte("pcie.deviceID.classCode") | (uint)r.ReadByte("pcie.deviceID.classCode") << 8
                | (uint)r.ReadByte("pcie.deviceID.classCode") << 16,
            Function = r.ReadByte("pcie.deviceID.function"),
            Device = r.ReadByte("pcie.deviceID.device"),
            Segment = r.ReadUInt16("pcie.deviceID.segment"),
            PrimaryOrDeviceBus = r.ReadByte("pcie.deviceID.primaryBus"),
            SecondaryBus = r.ReadByte("pcie.deviceID.secondaryBus"),
            SlotRaw = r.ReadUInt16("pcie.deviceID.slot"),
            Reserved1 = r.ReadByte("pcie.deviceID.reserved"),
            SerialNumber = r.ReadUInt64("pcie.serialNumber"),
            BridgeSecondaryStatus = r.ReadUInt16("pcie.bridge.secondaryStatus"),
            BridgeControl = r.ReadUInt16("pcie.bridge.control"),
            Capability = PcieCapabilityBlock.From(r.ReadBytes(PcieCapabilityBlock.Size, "pcie.capabilityStructure")),
            Aer = AerRegisterBlock.From(r.ReadBytes(AerRegisterBlock.Size, "pcie.aerInfo")),
        };
    }

    public void Write(Span<byte> destination)
    {
        var d = destination[..Size];
        BinaryPrimitives.WriteUInt64LittleEndian(d[ValidationOffset..], ValidationBits);
        BinaryPrimitives.WriteUInt32LittleEndian(d[PortTypeOffset..], PortType);
        BinaryPrimitives.WriteUInt32LittleEndian(d[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(d[CommandOffset..], Command);
        BinaryPrimitives.WriteUInt16LittleEndian(d[StatusOffset..], Status);
        BinaryPrimitives.WriteUInt32LittleEndian(d[Reserved0Offset..], Reserved0);
        BinaryPrimitives.WriteUInt16LittleEndian(d[VendorIdOffset..], VendorId);
        BinaryPrimitives.WriteUInt16LittleEndian(d[DeviceIdOffset..], DeviceId);
        d[ClassCodeOffset] = (byte)ClassCodeBytes;
        d[ClassCodeOffset + 1] = (byte)(ClassCodeBytes >> 8);
        d[ClassCodeOffset + 2] = (byte)(ClassCodeBytes >> 16);
        d[FunctionOffset] = Function;
        d[DeviceOffset] = Device;
        BinaryPrimitives.WriteUInt16LittleEndian(d[SegmentOffset..], Segment);
        d[PrimaryBusOffset] = PrimaryOrDeviceBus;
        d[SecondaryBusOffset] = SecondaryBus;
        BinaryPrimitives.WriteUInt16LittleEndian(d[SlotOffset..], SlotRaw);
        d[Reserved1Offset] = Reserved1;
        BinaryPrimitives.WriteUInt64LittleEndian(d[SerialNumberOffset..], SerialNumber);
        BinaryPrimitives.WriteUInt16LittleEndian(d[BridgeSecondaryStatusOffset..], BridgeSecondaryStatus);
        BinaryPrimitives.WriteUInt16LittleEndian(d[BridgeControlOffset..], BridgeControl);
        Capability.AsSpan().CopyTo(d[CapabilityOffset..]);
        Aer.AsSpan().CopyTo(d[AerOffset..]);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }
}
