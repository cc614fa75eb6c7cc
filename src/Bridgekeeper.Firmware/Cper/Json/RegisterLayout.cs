using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>How libcper prints one bit field of a decoded register.</summary>
public enum BitFieldStyle
{
    /// <summary>Reserved or not printed: occupies its bits, emits nothing.</summary>
    Skip,
    Int,
    Bool,
    /// <summary>"NotSupported"/"Supported" (any non-zero value is "Supported").</summary>
    Supported,
    /// <summary>"Disabled"/"Enabled".</summary>
    Enabled,
    /// <summary>"Failed"/"Passing".</summary>
    Passing,
    /// <summary>"NonFatal"/"Fatal".</summary>
    Severity,
    /// <summary><c>{"raw": n}</c>.</summary>
    Raw,
    /// <summary><c>{"raw": n, "value": name}</c> with libcper's device/port type dictionary.</summary>
    DevicePortType,
}

/// <summary>One bit field; fields of a register are listed low bit first and packed back to back.</summary>
public readonly record struct BitField(string? Name, int Width, BitFieldStyle Style = BitFieldStyle.Int)
{
    public static BitField Reserved(int width) => new(null, width, BitFieldStyle.Skip);
}

/// <summary>
/// One register of a structure copied into a CPER section, as data: its JSON key, byte offset, size and
/// bit fields. The bit positions follow from the widths in order, exactly as a packed C bit-field
/// struct lays them out (which is how libcper decodes, including where its widths differ from the
/// spec's bit numbers).
/// </summary>
public sealed record RegisterLayout(string Name, int Offset, int Size, BitField[] Fields)
{
    // libcper's device_port_type_dict is indexed by the raw value (so 5 prints "PCIE_PCI_BRIDGE");
    // reproduced as is because the JSON must match libcper's.
    private static readonly string[] DevicePortTypeNames =
        ["PCIE", "PCI", "ROOT_PORT", "UPSTREAM", "DOWNSTREAM", "PCIE_PCI_BRIDGE", "PCI_PCIE_BRIDGE", "RCiEP", "RCEC"];

    public ulong ReadValue(ReadOnlySpan<byte> block) => Size switch
    {
        1 => block[Offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(block[Offset..]),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(block[Offset..]),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(block[Offset..]),
    };

    /// <summary>The register as libcper prints it, or null when no field is printed (libcper omits it).</summary>
    public JsonObject? ToJson(ReadOnlySpan<byte> block)
    {
        ulong value = ReadValue(block);
        JsonObject? o = null;
        int shift = 0;
        foreach (var f in Fields)
        {
            ulong v = (value >> shift) & (f.Width >= 64 ? ulong.MaxValue : (1UL << f.Width) - 1);
            shift += f.Width;
            if (f.Style == BitFieldStyle.Skip) continue;
            o ??= new JsonObject();
            o[f.Name!] = f.Style switch
            {
                BitFieldStyle.Int => v,
                BitFieldStyle.Bool => v != 0,
                BitFieldStyle.Supported => v != 0 ? "Supported" : "NotSupported",
                BitFieldStyle.Enabled => v != 0 ? "Enabled" : "Disabled",
                BitFieldStyle.Passing => v != 0 ? "Passing" : "Failed",
                BitFieldStyle.Severity => v != 0 ? "Fatal" : "NonFatal",
                BitFieldStyle.Raw => new JsonObject { ["raw"] = v },
                BitFieldStyle.DevicePortType => v < (ulong)DevicePortTypeNames.Length
                    ? new JsonObject { ["raw"] = v, ["value"] = DevicePortTypeNames[v] }
                    : new JsonObject { ["raw"] = v },
                _ => throw new InvalidOperationException($"unhandled style {f.Style}"),
            };
        }
        return o;
    }

    /// <summary>Adds each register of <paramref name="layouts"/> that prints something to <paramref name="target"/>.</summary>
    public static void AddAll(JsonObject target, ReadOnlySpan<RegisterLayout> layouts, ReadOnlySpan<byte> block)
    {
        foreach (var layout in layouts)
            if (layout.ToJson(block) is { } o) target[layout.Name] = o;
    }
}
