using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The Bank field of the platform memory sections (UEFI 2.10 App. N.2.5/N.2.6): the whole bank when
/// "bank valid" is set, otherwise libcper shows address (bits 7:0) and group (bits 15:8).
/// </summary>
public sealed record MemoryBankField(int Offset, int WholeBankBit, int GroupAndAddressBits) : SectionField("bank", -1)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong valid = Read(body, 0, 8);
        ulong bank = Read(body, Offset, 2);
        target[Name] = ((valid >> WholeBankBit) & 1) != 0
            ? new JsonObject { ["value"] = bank }
            : new JsonObject { ["address"] = bank & 0xFF, ["group"] = bank >> 8 };
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        if (value is JsonObject o && o.TryGetPropertyValue("value", out var whole))
        {
            Write(body, Offset, 2, U64(whole, path + ".value", source));
            return 1UL << WholeBankBit;
        }
        ulong address = U64(Child(value, "address", path, source), path + ".address", source) & 0xFF;
        ulong group = U64(Child(value, "group", path, source), path + ".group", source) & 0xFF;
        Write(body, Offset, 2, address | group << 8);
        return 3UL << GroupAndAddressBits;
    }
}

/// <summary>
/// The Extended byte of the platform memory section (UEFI 2.10 App. N.2.5): row bits 16 and 17 in
/// bits 0-1, chip identification in bits 7:5 (shown only with its own validation bit).
/// </summary>
public sealed record MemoryExtendedField(int Offset, int ValidBitValue, int ChipBit) : SectionField("extended", ValidBitValue)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong valid = Read(body, 0, 8);
        byte e = body[Offset];
        var o = new JsonObject { ["rowBit16"] = (e & 1) != 0, ["rowBit17"] = ((e >> 1) & 1) != 0 };
        if (((valid >> ChipBit) & 1) != 0) o["chipIdentification"] = e >> 5;
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        ulong bits = Bit;
        int e = (Bool(Child(value, "rowBit16", path, source), path + ".rowBit16", source) ? 1 : 0)
            | (Bool(Child(value, "rowBit17", path, source), path + ".rowBit17", source) ? 2 : 0);
        if (value is JsonObject o && o.TryGetPropertyValue("chipIdentification", out var chip))
        {
            e |= (int)(U64(chip, path + ".chipIdentification", source) << 5);
            bits |= 1UL << ChipBit;
        }
        body[Offset] = (byte)e;
        return bits;
    }
}

/// <summary>Memory Error 2 Status byte (UEFI 2.10 App. N.2.6): bit 0 clear = corrected.</summary>
public sealed record Memory2StatusField(int ValidBitValue, int Offset) : SectionField("status", ValidBitValue)
{
    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        byte v = body[Offset];
        target[Name] = new JsonObject { ["value"] = v, ["state"] = (v & 1) == 0 ? "Corrected" : "Uncorrected" };
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        body[Offset] = (byte)U64(Child(value, "value", path, source), path + ".value", source);
        return Bit;
    }
}
