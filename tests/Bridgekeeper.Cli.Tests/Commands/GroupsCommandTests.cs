using System.Diagnostics;
using System.Text.Json;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests.Commands;

public sealed class GroupsCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bridgekeeper.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, err);
    }

    /// <summary>Every (topology, phase) with a kernel groups file and an input of the given kind.</summary>
    public static IEnumerable<object[]> Inputs(string kind)
    {
        foreach (var dir in Directory.EnumerateDirectories(ReferenceData.PathOf("linux-groups")).Order(StringComparer.Ordinal))
        {
            foreach (var groups in Directory.EnumerateFiles(dir, "groups-*.json").Order(StringComparer.Ordinal))
            {
                string phase = Path.GetFileNameWithoutExtension(groups)["groups-".Length..];
                string input = kind == "sysfs" ? Path.Combine(dir, $"sysfs-{phase}") : Path.Combine(dir, $"lspci-{phase}.txt");
                // Each process costs seconds on CI: the injection phases (same tree, other AER registers) are
                // checked against the kernel in-process by the Hypervisor tests; here boot and drivers suffice.
                if ((Directory.Exists(input) || File.Exists(input)) && phase is "boot" or "drivers")
                    yield return [Path.GetFileName(dir), phase];
            }
        }
    }

    public static IEnumerable<object[]> SysfsInputs() => Inputs("sysfs");

    public static IEnumerable<object[]> LspciInputs() => Inputs("lspci");

    private static void AssertKernelPartition(string topology, string phase, string json)
    {
        using var kernel = JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("linux-groups", topology, $"groups-{phase}.json")));
        var grouped = kernel.RootElement.GetProperty("device_group").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        string expected = string.Join("\n", grouped.GroupBy(p => p.Value).Select(g => string.Join(" ", g.Select(p => p.Key).Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal));
        using var ours = JsonDocument.Parse(json);
        Assert.Equal("linux", ours.RootElement.GetProperty("policy").GetString());
        string actual = string.Join("\n", ours.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => string.Join(" ", g.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Where(grouped.ContainsKey).Order(StringComparer.Ordinal)))
            .Where(l => l.Length > 0).Order(StringComparer.Ordinal));
        Assert.Equal(expected, actual);
        Assert.All(ours.RootElement.GetProperty("groups").EnumerateArray(), g => Assert.False(string.IsNullOrWhiteSpace(g.GetProperty("reason").GetString())));
        Assert.NotEqual(0, ours.RootElement.GetProperty("resetScopes").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(SysfsInputs))]
    public void Groups_from_sysfs_match_the_kernel(string topology, string phase)
    {
        var (exit, output, err) = Run("groups", "--sysfs", ReferenceData.PathOf("linux-groups", topology, $"sysfs-{phase}"), "--json");
        Assert.True(exit == 0, err);
        AssertKernelPartition(topology, phase, output);
    }

    [Theory]
    [MemberData(nameof(LspciInputs))]
    public void Groups_from_an_lspci_dump_match_the_kernel(string topology, string phase)
    {
        var (exit, output, err) = Run("groups", "--lspci", ReferenceData.PathOf("linux-groups", topology, $"lspci-{phase}.txt"), "--json", "--policy", "linux");
        Assert.True(exit == 0, err);
        AssertKernelPartition(topology, phase, output);
    }

    [Fact]
    public void Strict_policy_merges_the_switch_that_linux_splits()
    {
        var (exit, output, _) = Run("groups", "--sysfs", ReferenceData.PathOf("linux-groups", "i_aer_native", "sysfs-boot"), "--json", "--policy", "strict");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var withSwitch = doc.RootElement.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("members").EnumerateArray().Any(m => m.GetString() == "0000:03:00.0"));
        Assert.Equal(["0000:03:00.0", "0000:04:00.0", "0000:04:01.0", "0000:05:00.0", "0000:06:00.0"],
            withSwitch.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));
    }

    [Fact]
    public void Table_output_lists_groups_and_reset_scopes()
    {
        var (exit, output, _) = Run("groups", "--sysfs", ReferenceData.PathOf("linux-groups", "g_sriov", "sysfs-drivers"));
        Assert.Equal(0, exit);
        Assert.Contains("isolation groups (linux policy)", output);
        Assert.Contains("reset scopes", output);
        Assert.Contains("secondary-bus-reset", output);
    }

    [Theory]
    [InlineData("groups")]
    [InlineData("groups", "--sysfs", "/nonexistent-bridgekeeper")]
    [InlineData("groups", "--sysfs", "x", "--lspci", "y")]
    [InlineData("groups", "--lspci", "/etc/hostname", "--policy", "loose")]
    public void Bad_input_exits_with_code_2(params string[] args)
    {
        var (exit, _, err) = Run(args);
        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(err));
    }

    [Fact]
    public void An_lspci_file_without_hex_dump_is_bad_input_naming_the_file()
    {
        string file = Path.Combine(Path.GetTempPath(), $"bk-groups-{Environment.ProcessId}.txt");
        File.WriteAllText(file, "00:00.0 Host bridge: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller\n");
        try
        {
            var (exit, _, err) = Run("groups", "--lspci", file);
            Assert.Equal(2, exit);
            Assert.Contains(file, err);
        }
        finally { File.Delete(file); }
    }
}
