using System.Text.Json.Nodes;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// A section codec driven by a field table: a 64-bit validation word (or none), then
/// fields each gated by their validation bit. Encoding sets the bit of every field present in the
/// JSON, as libcper's json-to-cper does. <see cref="Tail"/> handles a variable part after the fixed
/// one (PCI component register pairs).
/// </summary>
public sealed class FieldLayoutCodec(Guid type, string name, string shortName, int size, string? message, bool hasValidationBits,
    SectionField[] fields) : ICperSectionCodec
{
    public Guid SectionType => type;
    public string Name => name;
    public string ShortName => shortName;
    public int Size => size;

    /// <summary>Where the 64-bit validation word sits (offset 0 in most sections).</summary>
    public int ValidationOffset { get; init; }

    /// <summary>Optional variable-length part after the fixed <see cref="Size"/> bytes.</summary>
    public IVariableTail? Tail { get; init; }

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? description)
    {
        description = message;
        if (body.Length < size) return null;
        ulong valid = hasValidationBits ? SectionField.Read(body, ValidationOffset, 8) : ulong.MaxValue;
        if (Tail is not null && !Tail.Fits(body, size)) return null;
        var o = new JsonObject();
        foreach (var f in fields)
            if (f.ValidBit < 0 || ((valid >> f.ValidBit) & 1) != 0) f.ToJson(body, o);
        Tail?.ToJson(body, size, valid, o);
        return o;
    }

    public byte[] FromJson(JsonObject section, string source)
    {
        string path = $"sections[].{shortName}";
        var body = new byte[size];
        ulong valid = 0;
        foreach (var f in fields)
        {
            if (!section.TryGetPropertyValue(f.Name, out var value))
            {
                if (f.ValidBit < 0 && f is not HexField)
                    throw new FirmwareFormatException(source, 0, $"{path}.{f.Name}", "is missing");
                continue;
            }
            valid |= f.FromJson(value, body, $"{path}.{f.Name}", source);
        }
        byte[] tail = Tail?.FromJson(section, ref valid, path, source) ?? [];
        if (hasValidationBits) SectionField.Write(body, ValidationOffset, 8, valid);
        return tail.Length == 0 ? body : [.. body, .. tail];
    }
}

/// <summary>The variable part of a section after its fixed fields.</summary>
public interface IVariableTail
{
    bool Fits(ReadOnlySpan<byte> body, int fixedSize);
    void ToJson(ReadOnlySpan<byte> body, int fixedSize, ulong valid, JsonObject target);
    byte[] FromJson(JsonObject section, ref ulong valid, string path, string source);
}
