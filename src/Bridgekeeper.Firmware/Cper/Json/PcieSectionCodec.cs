using System.Globalization;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// CPER PCIe Error Section (UEFI 2.10 App. N.2.7) in libcper's CPER-JSON: each group appears only when
/// its validation bit is set; the capability and AER blocks carry their raw bytes as base64
/// (<c>data</c>) beside the decoded registers, and encoding uses the raw bytes.
/// </summary>
public sealed class PcieSectionCodec : ICperSectionCodec
{
    public Guid SectionType => PcieErrorSection.TypeGuid;
    public string Name => "PCIe";
    public string ShortName => "Pcie";

    // libcper PCIE_ERROR_PORT_TYPES (UEFI App. N Table N-31 Port Type).
    private static readonly (ulong, string)[] PortTypes =
    [
        (0, "PCI Express End Point"), (1, "Legacy PCI End Point Device"), (4, "Root Port"), (5, "Upstream Switch Port"),
        (6, "Downstream Switch Port"), (7, "PCI Express to PCI/PCI-X Bridge"), (8, "PCI/PCI-X Bridge to PCI Express Bridge"),
        (9, "Root Complex Integrated Endpoint Device"), (10, "Root Complex Event Collector"),
    ];

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = null;
        if (body.Length < PcieErrorSection.Size) return null;
        var s = PcieErrorSection.Read(body, "pcie section");
        message = "A PCIe Error occurred";
        var o = new JsonObject();
        if (s.Has(PcieErrorSection.PortTypeValid))
            o["portType"] = Pair(s.PortType, PortTypes, "Unknown");
        if (s.Has(PcieErrorSection.VersionValid))
            o["version"] = new JsonObject
            {
                ["minor"] = CperTimestamp.FromBcd((byte)s.Version),
                ["major"] = CperTimestamp.FromBcd((byte)(s.Version >> 8)),
            };
        if (s.Has(PcieErrorSection.CommandStatusValid))
            o["commandStatus"] = new JsonObject { ["commandRegister"] = s.Command, ["statusRegister"] = s.Status };
        if (s.Has(PcieErrorSection.DeviceIdValid))
            o["deviceID"] = DeviceIdJson(s);
        if (s.Has(PcieErrorSection.SerialNumberValid))
            o["deviceSerialNumber"] = s.SerialNumber;
        if (s.Has(PcieErrorSection.BridgeControlStatusValid))
            o["bridgeControlStatus"] = new JsonObject
            {
                ["secondaryStatusRegister"] = s.BridgeSecondaryStatus,
                ["controlRegister"] = s.BridgeControl,
            };
        if (s.Has(PcieErrorSection.CapabilityValid))
            o["capabilityStructure"] = CapabilityJson(body.Slice(PcieErrorSection.CapabilityOffset, PcieCapabilityBlock.Size));
        if (s.Has(PcieErrorSection.AerInfoValid))
        {
            var aer = body.Slice(PcieErrorSection.AerOffset, AerRegisterBlock.Size);
            var a = new JsonObject { ["data"] = Convert.ToBase64String(aer) };
            RegisterLayout.AddAll(a, AerJsonLayout.Registers, aer);
            o["aerInfo"] = a;
        }
        return o;
    }

    private static JsonObject DeviceIdJson(in PcieErrorSection s)
    {
        // libcper reads the three class-code bytes as one little-endian value, and the one-byte "_Hex"
        // forms of segment and slot keep only the low byte.
        uint classCode = s.ClassCodeBytes;
        var inv = CultureInfo.InvariantCulture;
        return new JsonObject
        {
            ["deviceID_Hex"] = "0x" + s.DeviceId.ToString("X4", inv),
            ["vendorID_Hex"] = "0x" + s.VendorId.ToString("X4", inv),
            ["classCode_Hex"] = "0x" + classCode.ToString("X6", inv),
            ["functionNumber_Hex"] = "0x" + s.Function.ToString("X2", inv),
            ["deviceNumber_Hex"] = "0x" + s.Device.ToString("X2", inv),
            ["segmentNumber_Hex"] = "0x" + ((byte)s.Segment).ToString("X2", inv),
            ["primaryOrDeviceBusNumber_Hex"] = "0x" + s.PrimaryOrDeviceBus.ToString("X2", inv),
            ["secondaryBusNumber_Hex"] = "0x" + s.SecondaryBus.ToString("X2", inv),
            ["slotNumber_Hex"] = "0x" + ((byte)s.SlotNumber).ToString("X2", inv),
            ["deviceID"] = s.DeviceId,
            ["vendorID"] = s.VendorId,
            ["classCode"] = classCode,
            ["functionNumber"] = s.Function,
            ["deviceNumber"] = s.Device,
            ["segmentNumber"] = s.Segment,
            ["primaryOrDeviceBusNumber"] = s.PrimaryOrDeviceBus,
            ["secondaryBusNumber"] = s.SecondaryBus,
            ["slotNumber"] = s.SlotNumber,
        };
    }

    private static JsonObject CapabilityJson(ReadOnlySpan<byte> cap)
    {
        var o = new JsonObject { ["data"] = Convert.ToBase64String(cap) };
        RegisterLayout.AddAll(o, PcieCapabilityJsonLayout.Version1, cap);
        // PCI Express Capabilities bits 3:0: registers past Root Status exist from version 2 on.
        if ((cap[2] & 0x0F) >= 2)
            RegisterLayout.AddAll(o, PcieCapabilityJsonLayout.Version2, cap);
        return o;
    }

    public byte[] FromJson(JsonObject o, string source)
    {
        const string P = "sections[].Pcie";
        ulong valid = 0;
        uint portType = 0, version = 0, classBytes = 0;
        ushort command = 0, status = 0, vendor = 0, device = 0, segment = 0, slot = 0, bridgeStatus = 0, bridgeControl = 0;
        byte function = 0, deviceNumber = 0, bus = 0, secondary = 0;
        ulong serial = 0;
        Span<byte> cap = stackalloc byte[PcieCapabilityBlock.Size];
        Span<byte> aer = stackalloc byte[AerRegisterBlock.Size];
        cap.Clear();
        aer.Clear();

        if (Optional(o, "portType") is { } pt)
        {
            portType = (uint)U64(Child(pt, "value", P + ".portType", source), P + ".portType.value", source);
            valid |= PcieErrorSection.PortTypeValid;
        }
        if (Optional(o, "version") is JsonObject v)
        {
            version = CperTimestamp.ToBcd((int)U64(v, "minor", P + ".version", source))
                | (uint)CperTimestamp.ToBcd((int)U64(v, "major", P + ".version", source)) << 8;
            valid |= PcieErrorSection.VersionValid;
        }
        if (Optional(o, "commandStatus") is JsonObject cs)
        {
            command = (ushort)U64(cs, "commandRegister", P + ".commandStatus", source);
            status = (ushort)U64(cs, "statusRegister", P + ".commandStatus", source);
            valid |= PcieErrorSection.CommandStatusValid;
        }
        if (Optional(o, "deviceID") is JsonObject d)
        {
            const string D = P + ".deviceID";
            uint classCode = (uint)U64(d, "classCode", D, source);
            classBytes = classCode & 0xFFFFFF;
            vendor = (ushort)U64(d, "vendorID", D, source);
            device = (ushort)U64(d, "deviceID", D, source);
            function = (byte)U64(d, "functionNumber", D, source);
            deviceNumber = (byte)U64(d, "deviceNumber", D, source);
            segment = (ushort)U64(d, "segmentNumber", D, source);
            bus = (byte)U64(d, "primaryOrDeviceBusNumber", D, source);
            secondary = (byte)U64(d, "secondaryBusNumber", D, source);
            slot = (ushort)(U64(d, "slotNumber", D, source) << 3);
            valid |= PcieErrorSection.DeviceIdValid;
        }
        if (Optional(o, "deviceSerialNumber") is { } sn)
        {
            serial = U64(sn, P + ".deviceSerialNumber", source);
            valid |= PcieErrorSection.SerialNumberValid;
        }
        if (Optional(o, "bridgeControlStatus") is JsonObject b)
        {
            bridgeStatus = (ushort)U64(b, "secondaryStatusRegister", P + ".bridgeControlStatus", source);
            bridgeControl = (ushort)U64(b, "controlRegister", P + ".bridgeControlStatus", source);
            valid |= PcieErrorSection.BridgeControlStatusValid;
        }
        if (Optional(o, "capabilityStructure") is { } c)
        {
            CopyBounded(Base64(Child(c, "data", P + ".capabilityStructure", source), P + ".capabilityStructure.data", source),
                cap, P + ".capabilityStructure.data", source);
            valid |= PcieErrorSection.CapabilityValid;
        }
        if (Optional(o, "aerInfo") is { } a)
        {
            CopyBounded(Base64(Child(a, "data", P + ".aerInfo", source), P + ".aerInfo.data", source),
                aer, P + ".aerInfo.data", source);
            valid |= PcieErrorSection.AerInfoValid;
        }
        return new PcieErrorSection
        {
            ValidationBits = valid, PortType = portType, Version = version, Command = command, Status = status,
            VendorId = vendor, DeviceId = device, ClassCodeBytes = classBytes, Function = function, Device = deviceNumber,
            Segment = segment, PrimaryOrDeviceBus = bus, SecondaryBus = secondary, SlotRaw = slot, SerialNumber = serial,
            BridgeSecondaryStatus = bridgeStatus, BridgeControl = bridgeControl,
            Capability = PcieCapabilityBlock.From(cap), Aer = AerRegisterBlock.From(aer),
        }.ToBytes();
    }

    private static void CopyBounded(byte[] data, Span<byte> destination, string path, string source)
    {
        if (data.Length > destination.Length)
            throw new FirmwareFormatException(source, 0, path, $"holds {data.Length} bytes; the field has {destination.Length}");
        data.CopyTo(destination);
    }
}
