using System.Text.Json;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests.Commands;

public class InspectCommandTests
{
    [Fact]
    public void Json_output_is_one_object_with_every_function_of_the_dump()
    {
        string dump = ReferenceData.PathOf("lspci", "tree-fujitsu-p8010.dump");
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--lspci", dump, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var functions = doc.RootElement.GetProperty("functions").EnumerateArray().ToList();
        Assert.Equal(22, functions.Count);
        var rootPort = functions.Single(f => f.GetProperty("sbdf").GetString() == "0000:00:1c.0");
        Assert.Equal("RootPort", rootPort.GetProperty("pcie").GetProperty("portType").GetString());
        Assert.Equal(4, rootPort.GetProperty("bridge").GetProperty("secondaryBus").GetInt32());
        Assert.Equal(JsonValueKind.Null, rootPort.GetProperty("sriov").ValueKind);
    }

    [Fact]
    public void Text_output_shows_the_tree_then_decoded_functions()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--sysfs", ReferenceData.PathOf("linux-groups", "g_sriov", "sysfs-drivers"));
        Assert.True(code == 0, stderr);
        Assert.Contains("[0000:00]", stdout);
        Assert.Contains("RootPort", stdout);
        Assert.Contains("SR-IOV", stdout);
        Assert.Contains("VF of 0000:01:00.0", stdout);
        Assert.Contains("Secondary Bus Reset deasserted", stdout);
        Assert.Contains("ACS [", stdout);
        Assert.Contains("AER [", stdout);
    }

    [Fact]
    public void A_malformed_dump_exits_2_naming_file_and_line()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"bk-bad-{Environment.ProcessId}.dump");
        File.WriteAllText(bad, "00:00.0 x\n00: 86 80 zz\n");
        try
        {
            var (code, _, stderr) = CliProcess.Run("inspect", "--lspci", bad);
            Assert.Equal(2, code);
            Assert.Contains(bad, stderr);
            Assert.Contains("line 2", stderr);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Giving_neither_source_exits_2()
    {
        var (code, _, stderr) = CliProcess.Run("inspect");
        Assert.Equal(2, code);
        Assert.Contains("--lspci", stderr);
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var (code, stdout, _) = CliProcess.Run("inspect", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--lspci", stdout);
        Assert.Contains("--sysfs", stdout);
        Assert.Contains("--json", stdout);
    }
}
