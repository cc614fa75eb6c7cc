using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// CPER IA32/X64 Processor Error Section (UEFI 2.10 App. N.2.4.2) in libcper's CPER-JSON: a 64-byte
/// header (error and context counts live in the validation word, bits 7:2 and 13:8), 64-byte error
/// information structures, then context structures (16-byte header and a register array).
/// </summary>
public sealed class Ia32X64SectionCodec : ICperSectionCodec
{
    private const int HeaderSize = 64, ErrorInfoSize = 64, ContextHeaderSize = 16;

    public Guid SectionType { get; } = new("dc3ea0b0-a144-4797-b95b-53fa242b6e1d");
    public string Name => "IA32/X64";
    public string ShortName => "Ia32x64Processor";

    // UEFI 2.10 Table N-12 error structure types.
    private static readonly (Guid Type, string Name)[] CheckTypes =
    [
        (new Guid("a55701f5-e3ef-43de-ac72-249b573fad2c"), "Cache Check Error"),
        (new Guid("fc06b535-5e1f-4562-9f25-0a3b9adb63c3"), "TLB Check Error"),
        (new Guid("1cf3f8b3-c5b1-49a2-aa59-5eef92ffa63c"), "Bus Check Error"),
        (new Guid("48ab7f57-dc34-4f6c-a7d3-b0b5b0a74314"), "MS Check Error"),
    ];

    private static readonly (ulong, string)[] TransactionTypes = [(0, "Instruction"), (1, "Data Access"), (2, "Generic")];
    private static readonly (ulong, string)[] Operations =
    [
        (0, "Generic Error"), (1, "Generic Read"), (2, "Generic Write"), (3, "Data Read"), (4, "Data Write"), (5, "Instruction Fetch"),
        (6, "Prefetch"), (7, "Eviction"), (8, "Snoop"),
    ];
    private static readonly (ulong, string)[] Participation =
        [(0, "Local processor originated request"), (1, "Local processor responded to request"), (2, "Local processor observed"), (3, "Generic")];
    private static readonly (ulong, string)[] AddressSpaces = [(0, "Memory Access"), (1, "Reserved"), (2, "I/O"), (3, "Other Transaction")];
    private static readonly (ulong, string)[] MsErrorTypes =
        [(0, "No Error"), (1, "Unclassified"), (2, "Microcode ROM Parity Error"), (3, "External Error"), (4, "FRC Error"), (5, "Internal Unclassified")];
    private static readonly string[] ContextTypes =
    [
        "Unclassified Data", "MSR Registers", "32-bit Mode Execution Context", "64-bit Mode Execution Context", "FXSave Context",
        "32-bit Mode Debug Registers", "64-bit Mode Debug Registers", "Memory Mapper Registers",
    ];

    /// <summary>Register state layouts (UEFI 2.10 Tables N-15, N-16) as (name, offset, size), packed.</summary>
    private static readonly (string Name, int Offset, int Size)[] Ia32Registers = Layout(
        [("eax", 4), ("ebx", 4), ("ecx", 4), ("edx", 4), ("esi", 4), ("edi", 4), ("ebp", 4), ("esp", 4), ("cs", 2), ("ds", 2), ("ss", 2),
         ("es", 2), ("fs", 2), ("gs", 2), ("eflags", 4), ("eip", 4), ("cr0", 4), ("cr1", 4), ("cr2", 4), ("cr3", 4), ("cr4", 4),
         ("gdtr", 8), ("idtr", 8), ("ldtr", 2), ("tr", 2)]);

    private static readonly (string Name, int Offset, int Size)[] X64Registers = Layout(
        [("rax", 8), ("rbx", 8), ("rcx", 8), ("rdx", 8), ("rsi", 8), ("rdi", 8), ("rbp", 8), ("rsp", 8), ("r8", 8), ("r9", 8), ("r10", 8),
         ("r11", 8), ("r12", 8), ("r13", 8), ("r14", 8), ("r15", 8), ("cs", 2), ("ds", 2), ("ss", 2), ("es", 2), ("fs", 2), ("gs", 2),
         ("", 4), ("rflags", 8), ("eip", 8), ("cr0", 8), ("cr1", 8), ("cr2", 8), ("cr3", 8), ("cr4", 8), ("cr8", 8), ("gdtr_0", 8),
         ("gdtr_1", 8), ("idtr_0", 8), ("idtr_1", 8), ("ldtr", 2), ("tr", 2)]);

    private static (string, int, int)[] Layout((string Name, int Size)[] fields)
    {
        var result = new (string, int, int)[fields.Length];
        int at = 0;
        for (int i = 0; i < fields.Length; i++) { result[i] = (fields[i].Name, at, fields[i].Size); at += fields[i].Size; }
        return result;
    }

    private static int SizeOf((string Name, int Offset, int Size)[] layout) => layout[^1].Offset + layout[^1].Size;

    private static ulong Bits(ulong v, int shift, int width) => (v >> shift) & ((1UL << width) - 1);

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = null;
        if (body.Length < HeaderSize) return null;
        ulong valid = BinaryPrimitives.ReadUInt64LittleEndian(body);
        int errors = (int)Bits(valid, 2, 6), contexts = (int)Bits(valid, 8, 6);
        var o = new JsonObject { ["processorErrorInfoNum"] = errors, ["processorContextInfoNum"] = contexts };
        if (Bits(valid, 0, 1) != 0) o["localAPICID"] = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        if (Bits(valid, 1, 1) != 0)
            o["cpuidInfo"] = new JsonObject
            {
                ["eax"] = BinaryPrimitives.ReadUInt64LittleEndian(body[16..]), ["ebx"] = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]),
                ["ecx"] = BinaryPrimitives.ReadUInt64LittleEndian(body[32..]), ["edx"] = BinaryPrimitives.ReadUInt64LittleEndian(body[40..]),
            };
        int at = HeaderSize;
        if (body.Length - at < errors * ErrorInfoSize) return null;
        var errorArray = new JsonArray();
        for (int i = 0; i < errors; i++, at += ErrorInfoSize) errorArray.Add(ErrorInfoJson(body.Slice(at, ErrorInfoSize)));
        o["processorErrorInfo"] = errorArray;
        if (body.Length - at < contexts * ContextHeaderSize) return null;
        var contextArray = new JsonArray();
        for (int i = 0; i < contexts; i++)
        {
            var c = ContextJson(body, ref at);
            if (c is null) return null;
            contextArray.Add(c);
        }
        o["processorContextInfo"] = contextArray;
        return o;
    }

    private static int CheckIndex(Guid type)
    {
        for (int i = 0; i < CheckTypes.Length; i++) if (CheckTypes[i].Type == type) return i;
        return -1;
    }

    private static JsonObject ErrorInfoJson(ReadOnlySpan<byte> e)
    {
        var type = new Guid(e[..16]);
        int index = CheckIndex(type);
        ulong valid = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
        var o = new JsonObject { ["type"] = new JsonObject { ["guid"] = GuidText(type), ["name"] = index >= 0 ? CheckTypes[index].Name : "Unknown" } };
        if (Bits(valid, 0, 1) != 0 && index >= 0) o["checkInfo"] = CheckInfoJson(index, BinaryPrimitives.ReadUInt64LittleEndian(e[24..]));
        if (Bits(valid, 1, 1) != 0) o["targetAddressID"] = BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
        if (Bits(valid, 2, 1) != 0) o["requestorID"] = BinaryPrimitives.ReadUInt64LittleEndian(e[40..]);
        if (Bits(valid, 3, 1) != 0) o["responderID"] = BinaryPrimitives.ReadUInt64LittleEndian(e[48..]);
        if (Bits(valid, 4, 1) != 0) o["instructionPointer"] = BinaryPrimitives.ReadUInt64LittleEndian(e[56..]);
        return o;
    }

    // UEFI 2.10 Tables N-13 (cache/TLB/bus check) and N-14 (MS check): validation bits 15:0, fields from 16.
    private static JsonObject CheckInfoJson(int index, ulong v)
    {
        var o = new JsonObject();
        if (index == 3)
        {
            if (Bits(v, 0, 1) != 0) o["errorType"] = Pair(Bits(v, 16, 3), MsErrorTypes, "Unknown (Processor Specific)");
            if (Bits(v, 1, 1) != 0) o["processorContextCorrupt"] = Bits(v, 19, 1) != 0;
            if (Bits(v, 2, 1) != 0) o["uncorrected"] = Bits(v, 20, 1) != 0;
            if (Bits(v, 3, 1) != 0) o["preciseIP"] = Bits(v, 21, 1) != 0;
            if (Bits(v, 4, 1) != 0) o["restartableIP"] = Bits(v, 22, 1) != 0;
            if (Bits(v, 5, 1) != 0) o["overflow"] = Bits(v, 23, 1) != 0;
            return o;
        }
        if (Bits(v, 0, 1) != 0) o["transactionType"] = Pair(Bits(v, 16, 2), TransactionTypes, "Unknown (Reserved)");
        if (Bits(v, 1, 1) != 0) o["operation"] = Pair(Bits(v, 18, 4), Operations, "Unknown (Reserved)");
        if (Bits(v, 2, 1) != 0) o["level"] = Bits(v, 22, 3);
        if (Bits(v, 3, 1) != 0) o["processorContextCorrupt"] = Bits(v, 25, 1) != 0;
        if (Bits(v, 4, 1) != 0) o["uncorrected"] = Bits(v, 26, 1) != 0;
        if (Bits(v, 5, 1) != 0) o["preciseIP"] = Bits(v, 27, 1) != 0;
        if (Bits(v, 6, 1) != 0) o["restartableIP"] = Bits(v, 28, 1) != 0;
        if (Bits(v, 7, 1) != 0) o["overflow"] = Bits(v, 29, 1) != 0;
        if (index == 2)
        {
            if (Bits(v, 9, 1) != 0) o["timedOut"] = Bits(v, 32, 1) != 0;
            if (Bits(v, 8, 1) != 0) o["participationType"] = Pair(Bits(v, 30, 2), Participation, "Unknown");
            if (Bits(v, 10, 1) != 0) o["addressSpace"] = Pair(Bits(v, 33, 2), AddressSpaces, "Unknown");
        }
        return o;
    }

    private static JsonObject? ContextJson(ReadOnlySpan<byte> body, ref int at)
    {
        if (body.Length - at < ContextHeaderSize) return null;
        var h = body[at..];
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(h);
        ushort size = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
        var o = new JsonObject
        {
            ["registerContextType"] = Pair(type, type < ContextTypes.Length ? ContextTypes[type] : "Unknown (Reserved)"),
            ["registerArraySize"] = size,
            ["msrAddress"] = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
            ["mmRegisterAddress"] = BinaryPrimitives.ReadUInt64LittleEndian(h[8..]),
        };
        at += ContextHeaderSize;
        // libcper decodes the 32- and 64-bit execution contexts by their structure size (not the
        // array size) and moves on by that size; any other type is base64 of registerArraySize bytes.
        var layout = type == 2 ? Ia32Registers : type == 3 ? X64Registers : null;
        if (layout is not null)
        {
            int structSize = SizeOf(layout);
            if (body.Length - at < structSize) return null;
            var regs = new JsonObject();
            foreach (var (name, offset, width) in layout)
                if (name.Length > 0) regs[name] = SectionField.Read(body, at + offset, width);
            o["registerArray"] = regs;
            at += structSize;
        }
        else
        {
            if (body.Length - at < size) return null;
            o["registerArray"] = new JsonObject { ["data"] = Convert.ToBase64String(body.Slice(at, size)) };
            at += size;
        }
        return o;
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].Ia32x64Processor";
        int errors = (int)(U64(s, "processorErrorInfoNum", P, source) & 0x3F), contexts = (int)(U64(s, "processorContextInfoNum", P, source) & 0x3F);
        var header = new byte[HeaderSize];
        ulong valid = (ulong)errors << 2 | (ulong)contexts << 8;
        if (Optional(s, "localAPICID") is { } apic) { SectionField.Write(header, 8, 8, U64(apic, P + ".localAPICID", source)); valid |= 1; }
        if (Optional(s, "cpuidInfo") is { } cpuid)
        {
            string[] regs = ["eax", "ebx", "ecx", "edx"];
            for (int i = 0; i < regs.Length; i++)
                SectionField.Write(header, 16 + 8 * i, 8, U64(Child(cpuid, regs[i], P + ".cpuidInfo", source), $"{P}.cpuidInfo.{regs[i]}", source));
            valid |= 2;
        }
        SectionField.Write(header, 0, 8, valid);
        var bytes = new List<byte>(header);
        var errorArray = Child(s, "processorErrorInfo", P, source) as JsonArray;
        for (int i = 0; i < errors; i++)
            bytes.AddRange(ErrorInfoBytes(errorArray?[i] as JsonObject ?? throw new FirmwareFormatException(source, 0, $"{P}.processorErrorInfo[{i}]", "is missing"),
                $"{P}.processorErrorInfo[{i}]", source));
        var contextArray = Child(s, "processorContextInfo", P, source) as JsonArray;
        for (int i = 0; i < contexts; i++)
            bytes.AddRange(ContextBytes(contextArray?[i] as JsonObject ?? throw new FirmwareFormatException(source, 0, $"{P}.processorContextInfo[{i}]", "is missing"),
                $"{P}.processorContextInfo[{i}]", source));
        return [.. bytes];
    }

    private static byte[] ErrorInfoBytes(JsonObject e, string path, string source)
    {
        var b = new byte[ErrorInfoSize];
        var type = GuidFrom(Child(Child(e, "type", path, source), "guid", path + ".type", source), path + ".type.guid", source);
        type.TryWriteBytes(b);
        ulong valid = 0;
        if (Optional(e, "checkInfo") is JsonObject check)
        {
            int index = CheckIndex(type);
            if (index >= 0) SectionField.Write(b, 24, 8, CheckInfoBits(index, check, path + ".checkInfo", source));
            valid |= 1;
        }
        (string Key, int Offset)[] ids = [("targetAddressID", 32), ("requestorID", 40), ("responderID", 48), ("instructionPointer", 56)];
        for (int i = 0; i < ids.Length; i++)
            if (Optional(e, ids[i].Key) is { } v) { SectionField.Write(b, ids[i].Offset, 8, U64(v, $"{path}.{ids[i].Key}", source)); valid |= 2UL << i; }
        SectionField.Write(b, 16, 8, valid);
        return b;
    }

    private static ulong CheckInfoBits(int index, JsonObject c, string path, string source)
    {
        ulong v = 0;
        void Field(string key, int validBit, int shift, int width) => v |= PackedInfoField.Pack(c, key, validBit, shift, width, path, source);
        if (index == 3)
        {
            Field("errorType", 0, 16, 3);
            Field("processorContextCorrupt", 1, 19, 1);
            Field("uncorrected", 2, 20, 1);
            Field("preciseIP", 3, 21, 1);
            Field("restartableIP", 4, 22, 1);
            Field("overflow", 5, 23, 1);
            return v;
        }
        Field("transactionType", 0, 16, 2);
        Field("operation", 1, 18, 4);
        Field("level", 2, 22, 3);
        Field("processorContextCorrupt", 3, 25, 1);
        Field("uncorrected", 4, 26, 1);
        Field("preciseIP", 5, 27, 1);
        Field("restartableIP", 6, 28, 1);
        Field("overflow", 7, 29, 1);
        if (index == 2)
        {
            Field("participationType", 8, 30, 2);
            Field("timedOut", 9, 32, 1);
            Field("addressSpace", 10, 33, 2);
        }
        return v;
    }

    private static byte[] ContextBytes(JsonObject c, string path, string source)
    {
        ushort type = (ushort)U64(Child(Child(c, "registerContextType", path, source), "value", path + ".registerContextType", source),
            path + ".registerContextType.value", source);
        var header = new byte[ContextHeaderSize];
        SectionField.Write(header, 0, 2, type);
        SectionField.Write(header, 2, 2, U64(c, "registerArraySize", path, source));
        SectionField.Write(header, 4, 4, U64(c, "msrAddress", path, source));
        SectionField.Write(header, 8, 8, U64(c, "mmRegisterAddress", path, source));
        var regs = Child(c, "registerArray", path, source);
        var layout = type == 2 ? Ia32Registers : type == 3 ? X64Registers : null;
        byte[] array;
        if (layout is not null)
        {
            array = new byte[SizeOf(layout)];
            foreach (var (name, offset, width) in layout)
                if (name.Length > 0) SectionField.Write(array, offset, width, U64(Child(regs, name, path + ".registerArray", source), $"{path}.registerArray.{name}", source));
        }
        else
        {
            array = Base64(Child(regs, "data", path + ".registerArray", source), path + ".registerArray.data", source);
        }
        return [.. header, .. array];
    }
}
