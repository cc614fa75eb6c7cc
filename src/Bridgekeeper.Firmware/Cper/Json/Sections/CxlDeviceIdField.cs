using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The 12-byte device ID of a CXL component event record (UEFI 2.10 App. N.2.14): vendor, device,
/// function, device number, bus, segment, and the slot with its number in bits 15:3.
/// </summary>
public sealed record CxlDeviceIdField(int ValidBitValue, int Offset) : SectionField("deviceID", ValidBitValue)
{
    private static readonly (string Key, int Offset, int Size)[] Parts =
        [("vendorID", 0, 2), ("deviceID", 2, 2), ("functionNumber", 4, 1), ("deviceNumber", 5, 1), ("busNumber", 6, 1), ("segmentNumber", 7, 2)];

    private const int SlotOffset = 9;

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        var o = new JsonObject();
        foreach (var (key, at, size) in Parts) o[key] = Read(body, Offset + at, size);
        o["slotNumber"] = Read(body, Offset + SlotOffset, 2) >> 3;
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        foreach (var (key, at, size) in Parts)
            Write(body, Offset + at, size, U64(Child(value, key, path, source), $"{path}.{key}", source));
        Write(body, Offset + SlotOffset, 2, U64(Child(value, "slotNumber", path, source), path + ".slotNumber", source) << 3);
        return Bit;
    }
}
