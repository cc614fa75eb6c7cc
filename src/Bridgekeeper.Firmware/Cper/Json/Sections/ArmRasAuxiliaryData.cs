using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The auxiliary data of an ARM RAS node (Arm DEN0085 Tables 22-26) as libcper shows it: a 16-byte
/// header, AddressSpaceArrayEntryCount address-space contexts (16-byte header plus address/value
/// register pairs), then KeyValuePairArrayEntryCount GUID/value pairs at KeyValuePairArrayOffset.
/// libcper's encoder keeps neither the context's address space scope nor its identifier (it reads the
/// scope name as a number, which is 0); ours writes the same bytes.
/// </summary>
internal static class ArmRasAuxiliaryData
{
    // Header (Table 22).
    private const int HeaderSize = 16, VersionAt = 0, ContextCountAt = 2, SizeAt = 4, PairsOffsetAt = 8, PairCountAt = 12;
    // Address space context (Table 23) and its register entries (Table 24).
    private const int ContextHeaderSize = 16, LengthAt = 0, ScopeAt = 4, RegisterCountAt = 6, IdentifierAt = 8, RegisterSize = 16;
    // Key/value pair (Table 25).
    private const int PairSize = 24;
    private static readonly string[] Scopes = ["SystemPhysicalAddressSpace", "LocalAddressSpace"];

    /// <summary>The JSON, or null where libcper leaves auxData out (header invalid or too short).</summary>
    public static JsonObject? ToJson(ReadOnlySpan<byte> aux)
    {
        if (aux.Length < HeaderSize) return null;
        byte version = aux[VersionAt];
        int contextCount = BinaryPrimitives.ReadUInt16LittleEndian(aux[ContextCountAt..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(aux[SizeAt..]);
        uint pairsAt = BinaryPrimitives.ReadUInt32LittleEndian(aux[PairsOffsetAt..]);
        int pairCount = BinaryPrimitives.ReadUInt16LittleEndian(aux[PairCountAt..]);
        bool pairsOffsetValid = (pairCount == 0 && pairsAt == size) || pairsAt < size;
        if (version != 1 || size > aux.Length || size < HeaderSize || !pairsOffsetValid || pairsAt < HeaderSize) return null;

        var o = new JsonObject { ["version"] = version };
        var contexts = new JsonArray();
        int at = HeaderSize;
        uint remaining = size - HeaderSize;
        for (int c = 0; c < contextCount; c++)
        {
            // Any inconsistent context ends the walk, and libcper then shows no contexts and no pairs.
            if (remaining < ContextHeaderSize) return o;
            var ctx = aux[at..];
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(ctx[LengthAt..]);
            int registers = BinaryPrimitives.ReadUInt16LittleEndian(ctx[RegisterCountAt..]);
            uint needed = (uint)(ContextHeaderSize + registers * RegisterSize);
            if (length < ContextHeaderSize || length < needed || needed > remaining) return o;
            if ((ulong)at + length > pairsAt) return o;

            byte scope = ctx[ScopeAt];
            var entry = new JsonObject { ["flags"] = new JsonObject { ["addressSpaceIdentifierScope"] = Scopes[scope > 0 ? 1 : 0] } };
            if (scope == 1) entry["addressSpaceIdentifier"] = BinaryPrimitives.ReadUInt16LittleEndian(ctx[IdentifierAt..]);
            var regs = new JsonArray();
            for (int r = 0, ra = ContextHeaderSize; r < registers; r++, ra += RegisterSize)
                regs.Add(new JsonObject
                {
                    ["address"] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(ctx[ra..]), 16),
                    ["value"] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(ctx[(ra + 8)..]), 16),
                });
            entry["registers"] = regs;
            contexts.Add(entry);
            at += (int)length;
            remaining -= length;
        }
        o["contexts"] = contexts;

        if ((ulong)pairCount * PairSize > size - pairsAt) return o;
        var pairs = new JsonArray();
        for (int k = 0; k < pairCount; k++)
        {
            var pair = aux.Slice((int)pairsAt + k * PairSize, PairSize);
            // libcper names a value "mpamPartId" for the MPAM PARTID key; that key's GUID is not in the
            // sources we could read, so such a pair is shown with its plain value (docs/cper-ghes.md).
            pairs.Add(new JsonObject
            {
                ["key"] = GuidText(new Guid(pair[..16])),
                ["value"] = HexText(BinaryPrimitives.ReadUInt64LittleEndian(pair[16..]), 16),
            });
        }
        o["keyValuePairs"] = pairs;
        return o;
    }

    /// <summary>libcper's aux block: header, contexts back to back, then the pairs.</summary>
    public static byte[]? FromJson(JsonObject aux, string path, string source)
    {
        var contexts = Optional(aux, "contexts") as JsonArray ?? [];
        var pairs = Optional(aux, "keyValuePairs") as JsonArray ?? [];
        int contextsSize = 0;
        foreach (var c in contexts) contextsSize += ContextHeaderSize + RegistersOf(c).Count * RegisterSize;
        int size = HeaderSize + contextsSize + pairs.Count * PairSize;
        // libcper writes no aux block above 0xFFFF bytes (and then no aux offset either).
        if (size > 0xFFFF) return null;
        var b = new byte[size];
        b[VersionAt] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ContextCountAt), (ushort)contexts.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(SizeAt), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PairsOffsetAt), (uint)(HeaderSize + contextsSize));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(PairCountAt), (ushort)pairs.Count);
        int at = HeaderSize;
        for (int c = 0; c < contexts.Count; c++)
        {
            string p = $"{path}.contexts[{c}]";
            var regs = RegistersOf(contexts[c]);
            int length = ContextHeaderSize + regs.Count * RegisterSize;
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at + LengthAt), (uint)length);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at + RegisterCountAt), (ushort)regs.Count);
            for (int r = 0; r < regs.Count; r++)
            {
                string rp = $"{p}.registers[{r}]";
                if (regs[r] is not JsonObject reg) continue;
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at + ContextHeaderSize + r * RegisterSize), OptionalHex(reg, "address", rp, source));
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at + ContextHeaderSize + r * RegisterSize + 8), OptionalHex(reg, "value", rp, source));
            }
            at += length;
        }
        for (int k = 0; k < pairs.Count; k++, at += PairSize)
        {
            string p = $"{path}.keyValuePairs[{k}]";
            if (pairs[k] is not JsonObject pair) continue;
            if (Optional(pair, "key") is { } key) GuidFrom(key, p + ".key", source).TryWriteBytes(b.AsSpan(at, 16));
            ulong value = OptionalHex(pair, "value", p, source);
            if (Optional(pair, "mpamPartId") is { } part) value = U64(part, p + ".mpamPartId", source);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at + 16), value);
        }
        return b;
    }

    private static JsonArray RegistersOf(JsonNode? context) =>
        context is JsonObject c && Optional(c, "registers") is JsonArray regs ? regs : [];
}
