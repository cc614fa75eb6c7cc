using System.Text;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Mcfg;

namespace Bridgekeeper.Cli.Acpi;

/// <summary>`decode mcfg` output: the header, one ECAM window per allocation, and the warnings.</summary>
public static class McfgReport
{
    public static string Json(AcpiReadResult<McfgTable> r) => AcpiReport.Json(w =>
    {
        w.WriteStartObject();
        AcpiReport.WriteHeader(w, r.Table.Header, r.Frame);
        w.WriteStartArray("allocations");
        for (int i = 0; i < r.Table.Allocations.Length; i++)
        {
            var a = r.Table.Allocations[i];
            w.WriteStartObject();
            w.WriteNumber("offset", McfgTable.FirstAllocationOffset + i * McfgAllocation.Size);
            w.WriteNumber("baseAddress", a.BaseAddress);
            w.WriteNumber("segment", a.Segment);
            w.WriteNumber("startBus", a.StartBus);
            w.WriteNumber("endBus", a.EndBus);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        AcpiReport.WriteWarnings(w, r.Warnings);
        w.WriteEndObject();
    });

    public static string Text(AcpiReadResult<McfgTable> r)
    {
        var s = new StringBuilder();
        AcpiReport.TextHeader(s, r.Table.Header, r.Frame, "PCI Express memory-mapped configuration space");
        foreach (var a in r.Table.Allocations)
        {
            ulong windowStart = a.BaseAddress + ((ulong)a.StartBus << 20);
            ulong windowEnd = a.BaseAddress + (((ulong)a.EndBus + 1) << 20) - 1;
            s.AppendLine($"  segment {a.Segment:x4} buses {a.StartBus:x2}-{a.EndBus:x2}: ECAM base 0x{a.BaseAddress:X}, window 0x{windowStart:X}-0x{windowEnd:X}");
        }
        AcpiReport.TextWarnings(s, r.Warnings);
        return s.ToString();
    }
}
