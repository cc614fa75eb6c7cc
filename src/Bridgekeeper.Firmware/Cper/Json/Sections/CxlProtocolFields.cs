using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// CXL agent address (UEFI 2.10 App. N.2.13, offset 16): for a CXL device the function, device, bus
/// and segment; for a port the RCRB base address. The agent type byte (offset 8) decides which.
/// </summary>
public sealed record CxlAgentAddressField(int ValidBitValue) : SectionField("cxlAgentAddress", ValidBitValue)
{
    private const int Offset = 16, AgentTypeOffset = 8;

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        target[Name] = body[AgentTypeOffset] == 0
            ? new JsonObject
            {
                ["functionNumber"] = body[Offset], ["deviceNumber"] = body[Offset + 1], ["busNumber"] = body[Offset + 2],
                ["segmentNumber"] = Read(body, Offset + 3, 2),
            }
            : new JsonObject { ["value"] = Read(body, Offset, 8) };
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        // Like libcper, the form follows the agent type already written (0, also when agentType is
        // absent, means a device address); a key the form does not have is written as 0.
        var o = value as JsonObject ?? throw new FirmwareFormatException(source, 0, path, "expected an object");
        ulong Get(string key) => o.TryGetPropertyValue(key, out var v) ? U64(v, $"{path}.{key}", source) : 0;
        if (body[AgentTypeOffset] != 0)
        {
            Write(body, Offset, 8, Get("value"));
            return Bit;
        }
        body[Offset] = (byte)Get("functionNumber");
        body[Offset + 1] = (byte)Get("deviceNumber");
        body[Offset + 2] = (byte)Get("busNumber");
        Write(body, Offset + 3, 2, Get("segmentNumber"));
        return Bit;
    }
}

/// <summary>
/// CXL protocol error device ID (offset 24): libcper always shows the vendor ID and adds the rest only
/// with the device ID validation bit.
/// </summary>
public sealed record CxlProtocolDeviceIdField(int ValidBitValue) : SectionField("deviceID", -1)
{
    private const int Offset = 24;

    private static readonly (string Key, int Offset, int Size)[] Rest =
        [("deviceID", 2, 2), ("subsystemVendorID", 4, 2), ("subsystemDeviceID", 6, 2), ("classCode", 8, 2)];

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        var o = new JsonObject { ["vendorID"] = Read(body, Offset, 2) };
        if (((Read(body, 0, 8) >> ValidBitValue) & 1) != 0)
        {
            foreach (var (key, at, size) in Rest) o[key] = Read(body, Offset + at, size);
            o["slotNumber"] = Read(body, Offset + 10, 2) >> 3;
        }
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        Write(body, Offset, 2, U64(Child(value, "vendorID", path, source), path + ".vendorID", source));
        // libcper's encoder sets the device ID bit whenever the object is present, even with the
        // vendor ID alone; reproduced.
        if (value is not JsonObject o || !o.ContainsKey("deviceID")) return 1UL << ValidBitValue;
        foreach (var (key, at, size) in Rest) Write(body, Offset + at, size, U64(Child(value, key, path, source), $"{path}.{key}", source));
        Write(body, Offset + 10, 2, U64(Child(value, "slotNumber", path, source), path + ".slotNumber", source) << 3);
        return 1UL << ValidBitValue;
    }
}

/// <summary>
/// The variable part of a CXL protocol error section: the CXL DVSEC (length at offset 108, validation
/// bit 5) and then the CXL error log (length at offset 110, validation bit 6), each as base64.
/// </summary>
public sealed class CxlProtocolTail : IVariableTail
{
    private const int DvsecLengthOffset = 108, ErrorLogLengthOffset = 110;

    public bool Fits(ReadOnlySpan<byte> body, int fixedSize) =>
        fixedSize + (long)SectionField.Read(body, DvsecLengthOffset, 2) + (long)SectionField.Read(body, ErrorLogLengthOffset, 2) <= body.Length;

    public void ToJson(ReadOnlySpan<byte> body, int fixedSize, ulong valid, JsonObject target)
    {
        int dvsec = (int)SectionField.Read(body, DvsecLengthOffset, 2), log = (int)SectionField.Read(body, ErrorLogLengthOffset, 2);
        if (((valid >> 5) & 1) != 0) target["cxlDVSEC"] = Convert.ToBase64String(body.Slice(fixedSize, dvsec));
        if (((valid >> 6) & 1) != 0) target["cxlErrorLog"] = Convert.ToBase64String(body.Slice(fixedSize + dvsec, log));
    }

    public byte[] FromJson(JsonObject section, ref ulong valid, string path, string source)
    {
        byte[] dvsec = [], log = [];
        if (section.TryGetPropertyValue("cxlDVSEC", out var d))
        {
            dvsec = Base64(d, path + ".cxlDVSEC", source);
            valid |= 1UL << 5;
        }
        if (section.TryGetPropertyValue("cxlErrorLog", out var l))
        {
            log = Base64(l, path + ".cxlErrorLog", source);
            valid |= 1UL << 6;
        }
        return [.. dvsec, .. log];
    }
}

