using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridgekeeper.Firmware.Acpi;

namespace Bridgekeeper.Cli.Acpi;

/// <summary>
/// The parts every `decode` report of an ACPI table shares: the header, the warnings, Generic Address
/// Structures, and the JSON writer settings. Text shows names with the raw value beside them.
/// </summary>
internal static class AcpiReport
{
    // Indented and without escaping printable characters, as the other commands print (Output/JsonOutput).
    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            body(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void WriteHeader(Utf8JsonWriter w, AcpiTableHeader h, AcpiTableFrame f)
    {
        w.WriteString("signature", h.Signature);
        w.WriteNumber("length", f.Length);
        w.WriteNumber("revision", h.Revision);
        w.WriteNumber("checksum", f.Checksum);
        w.WriteBoolean("checksumValid", f.ChecksumValid);
        w.WriteString("oemId", h.OemId);
        w.WriteString("oemTableId", h.OemTableId);
        w.WriteNumber("oemRevision", h.OemRevision);
        w.WriteString("creatorId", h.CreatorId);
        w.WriteNumber("creatorRevision", h.CreatorRevision);
    }

    public static void WriteWarnings(Utf8JsonWriter w, ImmutableArray<AcpiWarning> warnings)
    {
        w.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            w.WriteStartObject();
            w.WriteString("kind", warning.Kind.ToString());
            w.WriteNumber("offset", warning.Offset);
            w.WriteString("message", warning.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void WriteAddress(Utf8JsonWriter w, string name, GenericAddress a)
    {
        w.WriteStartObject(name);
        w.WriteNumber("spaceId", (byte)a.SpaceId);
        w.WriteString("space", SpaceName(a.SpaceId));
        w.WriteNumber("bitWidth", a.BitWidth);
        w.WriteNumber("bitOffset", a.BitOffset);
        w.WriteNumber("accessSize", (byte)a.AccessSize);
        w.WriteNumber("address", a.Address);
        w.WriteEndObject();
    }

    public static void TextHeader(StringBuilder s, AcpiTableHeader h, AcpiTableFrame f, string title)
    {
        s.AppendLine($"{h.Signature} ({title})");
        s.AppendLine($"  length {f.Length} (0x{f.Length:X}), revision {h.Revision}, checksum 0x{f.Checksum:X2} ({(f.ChecksumValid ? "valid" : "INVALID")})");
        s.AppendLine($"  OEM \"{Printable(h.OemId)}\" table \"{Printable(h.OemTableId)}\" revision 0x{h.OemRevision:X}, creator \"{Printable(h.CreatorId)}\" revision 0x{h.CreatorRevision:X}");
    }

    public static void TextWarnings(StringBuilder s, ImmutableArray<AcpiWarning> warnings)
    {
        if (warnings.IsEmpty) return;
        s.AppendLine($"warnings ({warnings.Length}):");
        foreach (var w in warnings) s.AppendLine($"  offset 0x{w.Offset:X}: {w.Kind}: {w.Message}");
    }

    public static string Address(GenericAddress a) =>
        $"{SpaceName(a.SpaceId)} ({(byte)a.SpaceId}) 0x{a.Address:X}, {a.BitWidth}-bit at bit {a.BitOffset}, access {a.AccessSize} ({(byte)a.AccessSize})";

    public static string SpaceName(AddressSpace space) =>
        Enum.IsDefined(space) ? space.ToString() : "Reserved";

    // Firmware text fields may hold NULs or other control bytes; show them as iasl does, as spaces.
    public static string Printable(string raw)
    {
        var chars = raw.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < ' ' or > '~') chars[i] = ' ';
        }
        return new string(chars);
    }
}
