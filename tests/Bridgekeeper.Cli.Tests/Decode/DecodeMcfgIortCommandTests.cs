using System.Text.Json;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Firmware.Acpi.Mcfg;

namespace Bridgekeeper.Cli.Tests.Decode;

/// <summary>`decode mcfg` and `decode iort` on tables written by the Firmware writers.</summary>
public sealed class DecodeMcfgIortCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bridgekeeper-decode-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Save(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Mcfg_json_lists_each_ecam_window()
    {
        var table = new McfgTable(new AcpiTableHeader("MCFG", 1, "BRIDGE", "BKMCFG", 1, "BKPR", 1), 0,
            [new McfgAllocation(0x4000_0000, 0, 0, 0xFF), new McfgAllocation(0x8_0000_0000, 1, 0x80, 0x8F)]);
        var run = BridgekeeperProcess.Run("decode", "mcfg", Save("MCFG.bin", McfgWriter.Write(table)), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var a = doc.RootElement.GetProperty("allocations").EnumerateArray().ToList();
        Assert.Equal(2, a.Count);
        Assert.Equal(0x8_0000_0000UL, a[1].GetProperty("baseAddress").GetUInt64());
        Assert.Equal(1, a[1].GetProperty("segment").GetInt32());
        Assert.Equal(0x80, a[1].GetProperty("startBus").GetInt32());
        Assert.Equal(0x8F, a[1].GetProperty("endBus").GetInt32());
        Assert.True(doc.RootElement.GetProperty("checksumValid").GetBoolean());

        var text = BridgekeeperProcess.Run("decode", "mcfg", Path.Combine(_dir, "MCFG.bin"));
        Assert.Contains("segment 0001 buses 80-8f: ECAM base 0x800000000, window 0x808000000-0x808FFFFFF", text.Stdout);
    }

    [Fact]
    public void Iort_json_lists_nodes_and_mappings_by_node_index()
    {
        var header = new AcpiTableHeader("IORT", 0, "BRIDGE", "BKIORT", 1, "BKPR", 1);
        var table = new IortTable(header, 0,
        [
            new IortItsGroup(0, 0, [0u]),
            new IortRootComplex(1, 1, 1, 0, 0, 3, 0, 0, 48, 0, [new IortIdMapping(0, 0xFFFF, 0x10000, 0)]),
        ]);
        var run = BridgekeeperProcess.Run("decode", "iort", Save("IORT.bin", IortWriter.Write(table)), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["ITS Group", "PCI Root Complex"], nodes.Select(n => n.GetProperty("typeName").GetString()));
        var m = nodes[1].GetProperty("idMappings")[0];
        Assert.Equal(0, m.GetProperty("outputNode").GetInt32());
        Assert.Equal(0xFFFF, m.GetProperty("idCount").GetInt32());
        Assert.Equal(0x10000, m.GetProperty("outputBase").GetInt32());

        var text = BridgekeeperProcess.Run("decode", "iort", Path.Combine(_dir, "IORT.bin"));
        Assert.Contains("IDs 0x0-0xFFFF -> 0x10000.. in node 0 (ITS Group)", text.Stdout);
    }

    [Fact]
    public void A_table_with_another_signature_exits_2()
    {
        var run = BridgekeeperProcess.Run("decode", "iort", Save("notiort.bin",
            McfgWriter.Write(new McfgTable(new AcpiTableHeader("MCFG", 1, "X", "Y", 1, "Z", 1), 0, []))));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Signature", run.Stderr);
    }
}
