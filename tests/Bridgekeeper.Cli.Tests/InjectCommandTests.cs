using System.Diagnostics;
using System.Text.Json;
using Bridgekeeper.Cli.Commands;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests;

/// <summary>
/// Runs <c>bridgekeeper inject --sysfs</c> on the j_aer_latched machine as it stood before each
/// single-injection round and checks its JSON against the registers the guest read after QEMU's
/// injection (rounds with two injections are replayed through the library in the Platform tests).
/// </summary>
public class InjectCommandTests
{
    private static readonly string Folder = ReferenceData.PathOf("linux-groups", "j_aer_latched");

    private static readonly Dictionary<string, string> Ids = new()
    {
        ["ep1"] = "0000:01:00.0", ["ep2"] = "0000:02:00.0", ["rp2"] = "0000:00:03.0", ["ep4"] = "0000:06:00.0",
        ["dspb"] = "0000:04:01.0", ["ep5"] = "0000:07:00.0",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(7)]
    public void Json_changes_equal_the_recorded_round(int round)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "aer-rounds.json")));
        var r = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("round").GetInt32() == round);
        var words = r.GetProperty("hmp")[0].GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        string sysfs = SysfsAt(round == 1 ? "drivers" : $"inj{round - 1}");
        try
        {
            var args = new List<string> { "inject", "--sysfs", sysfs, "--device", Ids[words[0]], "--error", words[1], "--json" };
            if (words.Count > 2) { args.Add("--header"); args.AddRange(words.Skip(2)); }
            var (code, stdout, stderr) = Run(args);
            Assert.True(code == 0, stderr);
            using var output = JsonDocument.Parse(stdout);
            var actual = output.RootElement.GetProperty("changes").EnumerateArray()
                .Select(c => $"{c.GetProperty("sbdf").GetString()} {c.GetProperty("register").GetString()} {Compact(c.GetProperty("before"))} {Compact(c.GetProperty("after"))}");
            var expected = r.GetProperty("register_changes").EnumerateArray()
                .Select(c => $"{c.GetProperty("bdf").GetString()} {c.GetProperty("register").GetString()} {Compact(c.GetProperty("before"))} {Compact(c.GetProperty("after"))}");
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(sysfs, recursive: true);
        }
    }

    [Fact]
    public void Unknown_error_name_is_bad_input()
    {
        string sysfs = SysfsAt("drivers");
        try
        {
            var (code, _, stderr) = Run(["inject", "--sysfs", sysfs, "--device", "0000:01:00.0", "--error", "NOT_AN_ERROR"]);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("NOT_AN_ERROR", stderr);
        }
        finally
        {
            Directory.Delete(sysfs, recursive: true);
        }
    }

    [Fact]
    public void Text_output_names_each_changed_register()
    {
        string sysfs = SysfsAt("drivers");
        try
        {
            var (code, stdout, _) = Run(["inject", "--sysfs", sysfs, "--device", "0000:01:00.0", "--error", "RCVR"]);
            Assert.Equal(0, code);
            Assert.Equal(["0000:01:00.0 devsta: 0x0000 -> 0x0001", "0000:01:00.0 cor_status: 0x00000000 -> 0x00000001"], stdout.Trim().Split(Environment.NewLine));
        }
        finally
        {
            Directory.Delete(sysfs, recursive: true);
        }
    }

    [Fact]
    public void With_firmware_first_the_registers_change_as_before_and_the_root_port_s_ghes_source_gets_the_record()
    {
        string sysfs = SysfsAt("inj1");
        try
        {
            var (code, stdout, stderr) = Run(["inject", "--sysfs", sysfs, "--device", "0000:02:00.0", "--error", "UNSUP", "--json", "--firmware-first",
                "--header", "0x40000001", "0x0100000f", "0xfebf0000", "0x00000000"]);
            Assert.True(code == 0, stderr);
            using var output = JsonDocument.Parse(stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "aer-rounds.json")));
            var expected = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("round").GetInt32() == 2).GetProperty("register_changes").GetArrayLength();
            Assert.Equal(expected, output.RootElement.GetProperty("changes").GetArrayLength());
            var ghes = Assert.Single(output.RootElement.GetProperty("ghes").EnumerateArray());
            Assert.Equal("0000:00:03.0", ghes.GetProperty("root_port").GetString());
            Assert.Equal(2, ghes.GetProperty("source_id").GetInt32()); // the second root port's source
            Assert.Equal("0x80003000", ghes.GetProperty("block_address").GetString());
        }
        finally
        {
            Directory.Delete(sysfs, recursive: true);
        }
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    // The sysfs tree of the drivers phase with every config file replaced by the phase's dump.
    private static string SysfsAt(string phase)
    {
        string target = Path.Combine(Path.GetTempPath(), $"bk-inject-{phase}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Copy(Path.Combine(Folder, "sysfs-drivers"), target);
        var configs = Directory.EnumerateFiles(target, "config", SearchOption.AllDirectories).ToList();
        foreach (var bin in Directory.EnumerateFiles(Path.Combine(Folder, "config", phase), "*.bin"))
        {
            string n = Path.GetFileNameWithoutExtension(bin); // dddd_bb_dd.f
            string bdf = $"{n[..4]}:{n[5..7]}:{n[8..]}";
            string config = configs.Single(c => Path.GetFileName(Path.GetDirectoryName(c)) == bdf);
            File.Copy(bin, config, overwrite: true);
        }
        return target;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) { File.Copy(f, Path.Combine(to, Path.GetFileName(f))); File.SetAttributes(Path.Combine(to, Path.GetFileName(f)), FileAttributes.Normal); }
        foreach (var d in Directory.EnumerateDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }

    private static (int Code, string Stdout, string Stderr) Run(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(InjectCommand).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr);
    }
}
