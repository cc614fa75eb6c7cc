using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// Opaque bytes after a section's fixed part, up to a length stated in the section (a 32-bit field at
/// <paramref name="LengthOffset"/> counting from the section start), shown as base64 under
/// <paramref name="Name"/> when validation bit <paramref name="ValidBit"/> is set.
/// </summary>
public sealed record RawBytesTail(string Name, int ValidBit, int LengthOffset) : IVariableTail
{
    private static long StatedLength(ReadOnlySpan<byte> body, int offset) => (long)SectionField.Read(body, offset, 4);

    public bool Fits(ReadOnlySpan<byte> body, int fixedSize) => StatedLength(body, LengthOffset) <= body.Length;

    public void ToJson(ReadOnlySpan<byte> body, int fixedSize, ulong valid, JsonObject target)
    {
        long end = StatedLength(body, LengthOffset);
        if (((valid >> ValidBit) & 1) == 0 || end <= fixedSize) return;
        target[Name] = Convert.ToBase64String(body[fixedSize..(int)end]);
    }

    public byte[] FromJson(JsonObject section, ref ulong valid, string path, string source)
    {
        if (!section.TryGetPropertyValue(Name, out var node)) return [];
        valid |= 1UL << ValidBit;
        return Base64(node, $"{path}.{Name}", source);
    }
}
