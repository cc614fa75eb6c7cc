using System.Text.Json.Nodes;
using static Bridgekeeper.Firmware.Cper.Json.CperJsonValues;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The 8-byte Generic Error Status shared by memory, PCI bus and PCI component sections (UEFI 2.10
/// App. N.2.5 Table N-21): error type in byte 1, the A/C/D/responder/requester/first/overflow bits at
/// 16-22. Shown as libcper's <c>errorStatus</c> object with the type's name and description.
/// </summary>
public sealed record GenericErrorStatusField(int ValidBit, int Offset) : SectionField("errorStatus", ValidBit)
{
    private static readonly (ulong Key, string Name, string Description)[] Types =
    [
        (1, "ERR_INTERNAL", "Error detected internal to the component."),
        (16, "ERR_BUS", "Error detected in the bus."),
        (4, "ERR_MEM", "Storage error in memory (DRAM)."),
        (5, "ERR_TLB", "Storage error in TLB."),
        (6, "ERR_CACHE", "Storage error in cache."),
        (7, "ERR_FUNCTION", "Error in one or more functional units."),
        (8, "ERR_SELFTEST", "Component failed self test."),
        (9, "ERR_FLOW", "Overflow or underflow of internal queue."),
        (17, "ERR_MAP", "Virtual address not found on IO-TLB or IO-PDIR."),
        (18, "ERR_IMPROPER", "Improper access error."),
        (19, "ERR_UNIMPL", "Access to a memory address which is not mapped to any component."),
        (20, "ERR_LOL", "Loss of Lockstep error."),
        (21, "ERR_RESPONSE", "Response not associated with a request."),
        (22, "ERR_PARITY", "Bus parity error (must also set the A, C, or D bits)."),
        (23, "ERR_PROTOCOL", "Detection of a protocol error."),
        (24, "ERR_ERROR", "Detection of a PATH_ERROR."),
        (25, "ERR_TIMEOUT", "Bus operation timeout."),
        (26, "ERR_POISONED", "A read was issued to data that has been poisoned."),
    ];

    private static readonly string[] Bits =
        ["addressSignal", "controlSignal", "dataSignal", "detectedByResponder", "detectedByRequester", "firstError", "overflowDroppedLogs"];

    public override void ToJson(ReadOnlySpan<byte> body, JsonObject target)
    {
        ulong v = Read(body, Offset, 8);
        ulong type = (v >> 8) & 0xFF;
        var errorType = new JsonObject { ["value"] = type };
        string name = "Unknown (Reserved)";
        foreach (var (key, n, description) in Types)
            if (key == type) { name = n; errorType["description"] = description; }
        errorType["name"] = name;
        var o = new JsonObject { ["errorType"] = errorType };
        for (int i = 0; i < Bits.Length; i++) o[Bits[i]] = ((v >> (16 + i)) & 1) != 0;
        target[Name] = o;
    }

    public override ulong FromJson(JsonNode? value, Span<byte> body, string path, string source)
    {
        ulong v = (U64(Child(Child(value, "errorType", path, source), "value", path + ".errorType", source), path + ".errorType.value", source) & 0xFF) << 8;
        for (int i = 0; i < Bits.Length; i++)
            if (Bool(Child(value, Bits[i], path, source), $"{path}.{Bits[i]}", source)) v |= 1UL << (16 + i);
        Write(body, Offset, 8, v);
        return Bit;
    }
}
