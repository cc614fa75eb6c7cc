using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// CPER ARM Processor Error Section (UEFI 2.10 App. N.2.4.4) in libcper's CPER-JSON: a 40-byte header,
/// ErrInfoNum 32-byte error information entries, ContextInfoNum register contexts (8-byte header and
/// a register array), then vendor-specific bytes up to SectionLength.
/// </summary>
public sealed class ArmProcessorSectionCodec : ICperSectionCodec
{
    private const int HeaderSize = 40, EntrySize = 32, ContextHeaderSize = 8;

    public Guid SectionType { get; } = new("e19e3d16-bc11-11e4-9caa-c2051d5d46b0");
    public string Name => "ARM";
    public string ShortName => "ArmProcessor";

    // UEFI 2.10 Table N-17 error information types (bit values), as libcper names them.
    private static readonly (ulong, string)[] InfoTypes = [(1, "Cache Error"), (2, "TLB Error"), (4, "Bus Error"), (8, "Micro-Architectural Error")];
    private static readonly (ulong, string)[] TransactionTypes = [(0, "Instruction"), (1, "Data Access"), (2, "Generic")];
    private static readonly (ulong, string)[] CacheBusOperations =
    [
        (0, "Generic Error"), (1, "Generic Read"), (2, "Generic Write"), (3, "Data Read"), (4, "Data Write"), (5, "Instruction Fetch"),
        (6, "Prefetch"), (7, "Eviction"), (8, "Snooping"), (9, "Snooped"), (10, "Management"),
    ];
    private static readonly (ulong, string)[] TlbOperations =
    [
        (0, "Generic Error"), (1, "Generic Read"), (2, "Generic Write"), (3, "Data Read"), (4, "Data Write"), (5, "Instruction Fetch"),
        (6, "Prefetch"), (7, "Local Management Operation"), (8, "External Management Operation"),
    ];
    private static readonly (ulong, string)[] Participation =
        [(0, "Local Processor Originated Request"), (1, "Local Processor Responded to Request"), (2, "Local Processor Observed"), (3, "Generic")];
    private static readonly (ulong, string)[] AddressSpaces = [(0, "External Memory Access"), (1, "Internal Memory Access"), (3, "Device Memory Access")];
    private static readonly string[] EntryFlags = ["firstErrorCaptured", "lastErrorCaptured", "propagated", "overflow"];

    /// <summary>Register context types 0-7 (Table N-21): name, register width in bytes, register names.</summary>
    private static readonly (string Name, int Width, string[] Registers)[] Contexts =
    [
        ("AArch32 General Purpose Registers", 4, ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13_sp", "r14_lr", "r15_pc"]),
        ("AArch32 EL1 Context Registers", 4, ["dfar", "dfsr", "ifar", "isr", "mair0", "mair1", "midr", "mpidr", "nmrr", "prrr", "sctlr_ns", "spsr",
            "spsr_abt", "spsr_fiq", "spsr_irq", "spsr_svc", "spsr_und", "tpidrprw", "tpidruro", "tpidrurw", "ttbcr", "ttbr0", "ttbr1", "dacr"]),
        ("AArch32 EL2 Context Registers", 4, ["elr_hyp", "hamair0", "hamair1", "hcr", "hcr2", "hdfar", "hifar", "hpfar", "hsr", "htcr", "htpidr",
            "httbr", "spsr_hyp", "vtcr", "vttbr", "dacr32_el2"]),
        ("AArch32 Secure Context Registers", 4, ["sctlr_s", "spsr_mon"]),
        ("AArch64 General Purpose Registers", 8, ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
            "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp"]),
        ("AArch64 EL1 Context Registers", 8, ["elr_el1", "esr_el1", "far_el1", "isr_el1", "mair_el1", "midr_el1", "mpidr_el1", "sctlr_el1", "sp_el0",
            "sp_el1", "spsr_el1", "tcr_el1", "tpidr_el0", "tpidr_el1", "tpidrro_el0", "ttbr0_el1", "ttbr1_el1"]),
        ("AArch64 EL2 Context Registers", 8, ["elr_el2", "esr_el2", "far_el2", "hacr_el2", "hcr_el2", "hpfar_el2", "mair_el2", "sctlr_el2", "sp_el2",
            "spsr_el2", "tcr_el2", "tpidr_el2", "ttbr0_el2", "vtcr_el2", "vttbr_el2"]),
        ("AArch64 EL3 Context Registers", 8, ["elr_el3", "esr_el3", "far_el3", "mair_el3", "sctlr_el3", "sp_el3", "spsr_el3", "tcr_el3", "tpidr_el3", "ttbr0_el3"]),
    ];

    private const int MiscContext = 8, MiscSize = 16;

    public JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message)
    {
        message = "An ARM Processor Error occurred";
        if (body.Length < HeaderSize) return null;
        uint valid = BinaryPrimitives.ReadUInt32LittleEndian(body);
        int errorCount = BinaryPrimitives.ReadUInt16LittleEndian(body[4..]);
        int contextCount = BinaryPrimitives.ReadUInt16LittleEndian(body[6..]);
        uint sectionLength = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        byte affinity = body[12];
        ulong mpidr = BinaryPrimitives.ReadUInt64LittleEndian(body[16..]);
        ulong midr = BinaryPrimitives.ReadUInt64LittleEndian(body[24..]);
        uint running = BinaryPrimitives.ReadUInt32LittleEndian(body[32..]);
        uint psci = BinaryPrimitives.ReadUInt32LittleEndian(body[36..]);

        var o = new JsonObject { ["errorInfoNum"] = errorCount, ["contextInfoNum"] = contextCount, ["sectionLength"] = sectionLength };
        if ((valid & 2) != 0) o["errorAffinity"] = new JsonObject { ["value"] = affinity, ["type"] = affinity < 4 ? "Vendor Defined" : "Reserved" };
        if ((valid & 1) != 0)
        {
            o["mpidrEl1"] = mpidr;
            o["affinity3"] = (mpidr & 0xFF00000000) >> 32;
        }
        o["midrEl1"] = midr;
        if ((valid & 4) != 0) o["running"] = (running & 1) != 0;
        // libcper shows the PSCI state whenever bit 31 of the running state is clear.
        if (running >> 31 == 0) o["psciState"] = psci;

        int at = HeaderSize;
        if (body.Length - at < (long)errorCount * EntrySize) return null;
        var errors = new JsonArray();
        for (int i = 0; i < errorCount; i++, at += EntrySize) errors.Add(EntryJson(body.Slice(at, EntrySize)));
        o["errorInfo"] = errors;

        var contexts = new JsonArray();
        for (int i = 0; i < contextCount; i++)
        {
            if (body.Length - at < ContextHeaderSize) return null;
            var context = ContextJson(body, ref at);
            if (context is null) return null;
            contexts.Add(context);
        }
        o["contextInfo"] = contexts;
        if ((valid & 8) != 0 && at < sectionLength)
        {
            if (sectionLength > body.Length) return null;
            o["vendorSpecificInfo"] = new JsonObject { ["data"] = Convert.ToBase64String(body[at..(int)sectionLength]) };
        }
        return o;
    }

    private static JsonObject EntryJson(ReadOnlySpan<byte> e)
    {
        ushort valid = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
        byte type = e[4];
        ushort multiple = BinaryPrimitives.ReadUInt16LittleEndian(e[5..]);
        var o = new JsonObject { ["version"] = e[0], ["length"] = e[1], ["errorType"] = Pair(type, InfoTypes, "Unknown (Reserved)") };
        if ((valid & 1) != 0) o["multipleError"] = new JsonObject { ["value"] = multiple, ["type"] = multiple < 1 ? "Single Error" : "Multiple Errors" };
        if ((valid & 2) != 0)
        {
            var flags = new JsonObject();
            for (int i = 0; i < EntryFlags.Length; i++) flags[EntryFlags[i]] = ((e[7] >> i) & 1) != 0;
            o["flags"] = flags;
        }
        if ((valid & 4) != 0 && InformationJson(type, BinaryPrimitives.ReadUInt64LittleEndian(e[8..])) is { } info)
            o["errorInformation"] = info;
        if ((valid & 8) != 0) o["virtualFaultAddress"] = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
        if ((valid & 16) != 0) o["physicalFaultAddress"] = BinaryPrimitives.ReadUInt64LittleEndian(e[24..]);
        return o;
    }

    private static ulong Bits(ulong v, int shift, int width) => (v >> shift) & ((1UL << width) - 1);

    // UEFI 2.10 Tables N-18 (cache/TLB) and N-19 (bus): validation bits 15:0, then the fields packed.
    private static JsonObject? InformationJson(byte type, ulong v)
    {
        if (type is not (1 or 2 or 4)) return null;
        var o = new JsonObject();
        if (Bits(v, 0, 1) != 0) o["transactionType"] = Pair(Bits(v, 16, 2), TransactionTypes, "Unknown (Reserved)");
        if (Bits(v, 1, 1) != 0) o["operation"] = Pair(Bits(v, 18, 4), type == 2 ? TlbOperations : CacheBusOperations, "Unknown (Reserved)");
        if (Bits(v, 2, 1) != 0) o["level"] = Bits(v, 22, 3);
        if (Bits(v, 3, 1) != 0) o["processorContextCorrupt"] = Bits(v, 25, 1) != 0;
        if (Bits(v, 4, 1) != 0) o["corrected"] = Bits(v, 26, 1) != 0;
        if (Bits(v, 5, 1) != 0) o["precisePC"] = Bits(v, 27, 1) != 0;
        if (Bits(v, 6, 1) != 0) o["restartablePC"] = Bits(v, 28, 1) != 0;
        if (type == 4)
        {
            if (Bits(v, 7, 1) != 0) o["participationType"] = Pair(Bits(v, 29, 2), Participation, "Unknown");
            if (Bits(v, 8, 1) != 0) o["timedOut"] = Bits(v, 31, 1) != 0;
            if (Bits(v, 9, 1) != 0) o["addressSpace"] = Pair(Bits(v, 32, 2), AddressSpaces, "Unknown");
            if (Bits(v, 10, 1) != 0) o["memoryAttributes"] = Bits(v, 34, 9);
            // libcper gates the access mode on the timed-out bit (8), not its own (11); reproduced.
            if (Bits(v, 8, 1) != 0) o["accessMode"] = new JsonObject { ["value"] = Bits(v, 43, 1), ["name"] = Bits(v, 43, 1) == 0 ? "Secure" : "Normal" };
        }
        return new JsonObject { [type switch { 1 => "cacheError", 2 => "tlbError", _ => "busError" }] = o };
    }

    private static JsonObject? ContextJson(ReadOnlySpan<byte> body, ref int at)
    {
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(body[(at + 2)..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 4)..]);
        at += ContextHeaderSize;
        if (size > (uint)(body.Length - at)) return null;
        var regs = body.Slice(at, (int)size);
        string name = type < Contexts.Length ? Contexts[type].Name : type == MiscContext ? "Miscellaneous System Register Structure" : "Unknown (Reserved)";
        var o = new JsonObject { ["version"] = version, ["registerContextType"] = Pair(type, name), ["registerArraySize"] = size };
        JsonObject array;
        if (type < Contexts.Length)
        {
            var (_, width, names) = Contexts[type];
            if (size < names.Length * width) return null;
            array = new JsonObject();
            for (int i = 0; i < names.Length; i++)
                array[names[i]] = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(regs[(4 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(regs[(8 * i)..]);
        }
        else if (type == MiscContext)
        {
            if (size < MiscSize) return null;
            ulong mrs = BinaryPrimitives.ReadUInt64LittleEndian(regs);
            array = new JsonObject
            {
                ["mrsEncoding"] = new JsonObject
                {
                    ["op2"] = Bits(mrs, 0, 3), ["crm"] = Bits(mrs, 3, 4), ["crn"] = Bits(mrs, 7, 4), ["op1"] = Bits(mrs, 11, 3), ["o0"] = Bits(mrs, 14, 1),
                },
                ["value"] = BinaryPrimitives.ReadUInt64LittleEndian(regs[8..]),
            };
        }
        else
        {
            array = new JsonObject { ["data"] = Convert.ToBase64String(regs) };
        }
        o["registerArray"] = array;
        at += (int)size;
        return o;
    }

    public byte[] FromJson(JsonObject s, string source)
    {
        const string P = "sections[].ArmProcessor";
        var bytes = new List<byte>();
        Span<byte> h = stackalloc byte[HeaderSize];
        h.Clear();
        uint valid = 0;
        int errorCount = (int)U64(s, "errorInfoNum", P, source), contextCount = (int)U64(s, "contextInfoNum", P, source);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)errorCount);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)contextCount);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)U64(s, "sectionLength", P, source));
        if (Optional(s, "mpidrEl1") is { } mp) { BinaryPrimitives.WriteUInt64LittleEndian(h[16..], U64(mp, P + ".mpidrEl1", source)); valid |= 1; }
        if (Optional(s, "errorAffinity") is { } af) { h[12] = (byte)U64(Child(af, "value", P + ".errorAffinity", source), P + ".errorAffinity.value", source); valid |= 2; }
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], U64(s, "midrEl1", P, source));
        if (Optional(s, "running") is { } r) { BinaryPrimitives.WriteUInt32LittleEndian(h[32..], Bool(r, P + ".running", source) ? 1u : 0u); valid |= 4; }
        if (Optional(s, "psciState") is { } ps) BinaryPrimitives.WriteUInt32LittleEndian(h[36..], (uint)U64(ps, P + ".psciState", source));
        var vendor = Optional(s, "vendorSpecificInfo");
        if (vendor is not null) valid |= 8;
        BinaryPrimitives.WriteUInt32LittleEndian(h, valid);
        bytes.AddRange(h);

        var errors = Child(s, "errorInfo", P, source) as JsonArray ?? throw new FirmwareFormatException(source, 0, P + ".errorInfo", "expected an array");
        for (int i = 0; i < errorCount; i++)
            bytes.AddRange(EntryBytes(i < errors.Count ? errors[i] as JsonObject : null, $"{P}.errorInfo[{i}]", source));
        var contexts = Child(s, "contextInfo", P, source) as JsonArray ?? throw new FirmwareFormatException(source, 0, P + ".contextInfo", "expected an array");
        for (int i = 0; i < contextCount; i++)
            bytes.AddRange(ContextBytes(i < contexts.Count ? contexts[i] as JsonObject : null, $"{P}.contextInfo[{i}]", source));
        if (vendor is not null) bytes.AddRange(Base64(Child(vendor, "data", P + ".vendorSpecificInfo", source), P + ".vendorSpecificInfo.data", source));
        return [.. bytes];
    }

    private static byte[] EntryBytes(JsonObject? e, string path, string source)
    {
        if (e is null) throw new FirmwareFormatException(source, 0, path, "is missing");
        var b = new byte[EntrySize];
        ushort valid = 0;
        b[0] = (byte)U64(e, "version", path, source);
        b[1] = (byte)U64(e, "length", path, source);
        byte type = Optional(e, "errorType") is { } t ? (byte)U64(Child(t, "value", path + ".errorType", source), path + ".errorType.value", source) : (byte)0;
        b[4] = type;
        if (Optional(e, "multipleError") is { } m)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(5), (ushort)U64(Child(m, "value", path + ".multipleError", source), path + ".multipleError.value", source));
            valid |= 1;
        }
        if (Optional(e, "flags") is { } f)
        {
            for (int i = 0; i < EntryFlags.Length; i++)
                if (Bool(Child(f, EntryFlags[i], path + ".flags", source), $"{path}.flags.{EntryFlags[i]}", source)) b[7] |= (byte)(1 << i);
            valid |= 2;
        }
        if (Optional(e, "errorInformation") is { } info)
        {
            string key = type switch { 1 => "cacheError", 2 => "tlbError", 4 => "busError", _ => "" };
            if (key.Length > 0 && info is JsonObject io && io[key] is JsonObject detail)
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), InformationBits(detail, type == 4, $"{path}.errorInformation.{key}", source));
            valid |= 4;
        }
        if (Optional(e, "virtualFaultAddress") is { } va) { BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), U64(va, path + ".virtualFaultAddress", source)); valid |= 8; }
        if (Optional(e, "physicalFaultAddress") is { } pa) { BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), U64(pa, path + ".physicalFaultAddress", source)); valid |= 16; }
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), valid);
        return b;
    }

    private static ulong InformationBits(JsonObject d, bool bus, string path, string source)
    {
        ulong v = 0;
        void Field(string key, int validBit, int shift, int width) => v |= PackedInfoField.Pack(d, key, validBit, shift, width, path, source);
        Field("transactionType", 0, 16, 2);
        Field("operation", 1, 18, 4);
        Field("level", 2, 22, 3);
        Field("processorContextCorrupt", 3, 25, 1);
        Field("corrected", 4, 26, 1);
        Field("precisePC", 5, 27, 1);
        Field("restartablePC", 6, 28, 1);
        if (bus)
        {
            Field("participationType", 7, 29, 2);
            Field("timedOut", 8, 31, 1);
            Field("addressSpace", 9, 32, 2);
            Field("memoryAttributes", 10, 34, 9);
            Field("accessMode", 11, 43, 1);
        }
        return v;
    }

    private static byte[] ContextBytes(JsonObject? c, string path, string source)
    {
        if (c is null) throw new FirmwareFormatException(source, 0, path, "is missing");
        ushort type = (ushort)U64At(Child(c, "registerContextType", path, source), path + ".registerContextType.value", source, "value");
        var header = new byte[ContextHeaderSize];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)U64(c, "version", path, source));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), type);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)U64(c, "registerArraySize", path, source));
        var regs = Child(c, "registerArray", path, source);
        byte[] array;
        if (type < Contexts.Length)
        {
            // libcper writes the named registers only, whatever registerArraySize says.
            var (_, width, names) = Contexts[type];
            array = new byte[names.Length * width];
            for (int i = 0; i < names.Length; i++)
            {
                ulong value = U64(Child(regs, names[i], path + ".registerArray", source), $"{path}.registerArray.{names[i]}", source);
                SectionField.Write(array, i * width, width, value);
            }
        }
        else if (type == MiscContext)
        {
            array = new byte[MiscSize];
            var mrs = Child(regs, "mrsEncoding", path + ".registerArray", source);
            string mp = path + ".registerArray.mrsEncoding";
            ulong enc = (U64(Child(mrs, "op2", mp, source), mp + ".op2", source) & 7) | (U64(Child(mrs, "crm", mp, source), mp + ".crm", source) & 15) << 3
                | (U64(Child(mrs, "crn", mp, source), mp + ".crn", source) & 15) << 7 | (U64(Child(mrs, "op1", mp, source), mp + ".op1", source) & 7) << 11
                | (U64(Child(mrs, "o0", mp, source), mp + ".o0", source) & 1) << 14;
            SectionField.Write(array, 0, 8, enc);
            SectionField.Write(array, 8, 8, U64(Child(regs, "value", path + ".registerArray", source), path + ".registerArray.value", source));
        }
        else
        {
            array = Base64(Child(regs, "data", path + ".registerArray", source), path + ".registerArray.data", source);
        }
        return [.. header, .. array];
    }

    private static ulong U64At(JsonNode node, string path, string source, string key) =>
        CperJsonValues.U64(Child(node, key, path, source), path, source);
}
