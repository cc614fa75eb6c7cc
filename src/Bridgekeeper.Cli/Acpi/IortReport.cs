using System.Text;
using System.Text.Json;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;

namespace Bridgekeeper.Cli.Acpi;

/// <summary>`decode iort` output: each node with its ID mappings (targets by node index), and the warnings.</summary>
public static class IortReport
{
    public static string TypeName(IortNodeType type) => type switch
    {
        IortNodeType.ItsGroup => "ITS Group",
        IortNodeType.NamedComponent => "Named Component",
        IortNodeType.RootComplex => "PCI Root Complex",
        IortNodeType.SmmuV1V2 => "SMMUv1/v2",
        IortNodeType.SmmuV3 => "SMMUv3",
        IortNodeType.Pmcg => "PMCG",
        IortNodeType.ReservedMemoryRange => "Reserved Memory Range",
        _ => "Reserved",
    };

    public static string Json(AcpiReadResult<IortTable> r) => AcpiReport.Json(w =>
    {
        w.WriteStartObject();
        AcpiReport.WriteHeader(w, r.Table.Header, r.Frame);
        w.WriteNumber("nodeCount", r.Table.Nodes.Length);
        w.WriteStartArray("nodes");
        for (int i = 0; i < r.Table.Nodes.Length; i++) WriteNode(w, r.Table.Nodes[i], i);
        w.WriteEndArray();
        AcpiReport.WriteWarnings(w, r.Warnings);
        w.WriteEndObject();
    });

    private static void WriteNode(Utf8JsonWriter w, IortNode n, int index)
    {
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteNumber("type", (byte)n.Type);
        w.WriteString("typeName", TypeName(n.Type));
        w.WriteNumber("revision", n.Revision);
        w.WriteNumber("identifier", n.Identifier);
        switch (n)
        {
            case IortItsGroup its:
                w.WriteStartArray("itsIdentifiers");
                foreach (uint id in its.ItsIdentifiers) w.WriteNumberValue(id);
                w.WriteEndArray();
                break;
            case IortRootComplex rc:
                w.WriteNumber("pciSegment", rc.PciSegment);
                w.WriteNumber("cacheCoherency", rc.CacheCoherency);
                w.WriteNumber("atsAttribute", rc.AtsAttribute);
                w.WriteNumber("memoryAddressSizeLimit", rc.MemoryAddressSizeLimit);
                break;
            case IortSmmuV3 smmu:
                w.WriteNumber("baseAddress", smmu.BaseAddress);
                w.WriteNumber("flags", smmu.Flags);
                w.WriteNumber("model", smmu.Model);
                w.WriteNumber("eventGsiv", smmu.EventGsiv);
                w.WriteNumber("priGsiv", smmu.PriGsiv);
                w.WriteNumber("gerrGsiv", smmu.GerrGsiv);
                w.WriteNumber("syncGsiv", smmu.SyncGsiv);
                w.WriteNumber("proximityDomain", smmu.ProximityDomain);
                w.WriteNumber("deviceIdMappingIndex", smmu.DeviceIdMappingIndex);
                break;
            case IortOtherNode other:
                w.WriteString("data", Convert.ToHexString(other.Data.AsSpan()));
                break;
        }
        w.WriteStartArray("idMappings");
        foreach (var m in n.IdMappings)
        {
            w.WriteStartObject();
            w.WriteNumber("inputBase", m.InputBase);
            w.WriteNumber("idCount", m.IdCount);
            w.WriteNumber("outputBase", m.OutputBase);
            w.WriteNumber("outputNode", m.OutputNodeIndex);
            w.WriteBoolean("single", m.IsSingle);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string Text(AcpiReadResult<IortTable> r)
    {
        var s = new StringBuilder();
        AcpiReport.TextHeader(s, r.Table.Header, r.Frame, "IO Remapping Table");
        for (int i = 0; i < r.Table.Nodes.Length; i++)
        {
            var n = r.Table.Nodes[i];
            s.AppendLine($"node {i}: {TypeName(n.Type)} (type {(byte)n.Type}), revision {n.Revision}, identifier {n.Identifier}");
            switch (n)
            {
                case IortItsGroup its: s.AppendLine($"  ITS identifiers {string.Join(", ", its.ItsIdentifiers)}"); break;
                case IortRootComplex rc: s.AppendLine($"  PCI segment {rc.PciSegment}, ATS attribute {rc.AtsAttribute}, address size limit {rc.MemoryAddressSizeLimit} bits"); break;
                case IortSmmuV3 smmu: s.AppendLine($"  base 0x{smmu.BaseAddress:X}, model {smmu.Model}, GSIVs event {smmu.EventGsiv} PRI {smmu.PriGsiv} GERR {smmu.GerrGsiv} sync {smmu.SyncGsiv}"); break;
                case IortOtherNode other: s.AppendLine($"  {other.Data.Length} byte(s) of node data kept raw"); break;
            }
            foreach (var m in n.IdMappings)
            {
                string target = (uint)m.OutputNodeIndex < (uint)r.Table.Nodes.Length
                    ? $"node {m.OutputNodeIndex} ({TypeName(r.Table.Nodes[m.OutputNodeIndex].Type)})" : "no node";
                s.AppendLine(m.IsSingle
                    ? $"  single ID 0x{m.OutputBase:X} -> {target}"
                    : $"  IDs 0x{m.InputBase:X}-0x{(ulong)m.InputBase + m.IdCount:X} -> 0x{m.OutputBase:X}.. in {target}");
            }
        }
        AcpiReport.TextWarnings(s, r.Warnings);
        return s.ToString();
    }
}
