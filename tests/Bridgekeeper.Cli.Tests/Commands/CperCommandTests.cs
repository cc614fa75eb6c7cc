using System.Diagnostics;
using System.Text.Json.Nodes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests.Commands;

/// <summary>The decode cper / decode ghes / encode cper commands, run as the real executable.</summary>
public class CperCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bridgekeeper.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Reference(string name) => ReferenceData.PathOf("cper", name);

    [Fact]
    public void Decode_cper_json_prints_exactly_libcpers_structure()
    {
        var (exit, stdout, stderr) = Run("decode", "cper", Reference("examples/pcie.cper"), "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var expected = JsonNode.Parse(File.ReadAllText(Reference("examples/pcie.json")));
        var actual = JsonNode.Parse(stdout);
        Assert.Empty(JsonDifference.Between(expected, actual));
    }

    [Fact]
    public void Decode_cper_json_keeps_warnings_off_standard_output()
    {
        // This record holds fewer bytes than its header's recordLength; it is read like libcper does, with a warning.
        var (exit, stdout, stderr) = Run("decode", "cper", Reference("examples/nvidia_event_all_types.cper"), "--json");
        Assert.Equal(0, exit);
        Assert.NotNull(JsonNode.Parse(stdout));
        Assert.Contains("warning: ", stderr, StringComparison.Ordinal);
        Assert.Contains("header.recordLength 568 exceeds the 440 byte(s) available", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("exceeds", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_cper_text_shows_names_with_raw_values()
    {
        var (exit, stdout, _) = Run("decode", "cper", Reference("examples/pcie.cper"));
        Assert.Equal(0, exit);
        Assert.Contains("portType: Upstream Switch Port (5)", stdout, StringComparison.Ordinal);
        Assert.Contains("severity: Fatal (1)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_cper_builds_the_bytes_libcper_builds()
    {
        string output = Path.Combine(Path.GetTempPath(), $"bk-encode-{Environment.ProcessId}.cper");
        try
        {
            var (exit, _, stderr) = Run("encode", "cper", Reference("generated/pcie-x3.json"), "-o", output);
            Assert.True(exit == 0, stderr);
            Assert.Equal(File.ReadAllBytes(Reference("generated/pcie-x3.roundtrip.cper")), File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Truncated_record_is_bad_input_with_exit_code_2_naming_the_field()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bk-truncated-{Environment.ProcessId}.cper");
        try
        {
            File.WriteAllBytes(path, File.ReadAllBytes(Reference("examples/pcie.cper"))[..300]);
            var (exit, _, stderr) = Run("decode", "cper", path, "--json");
            Assert.Equal(2, exit);
            Assert.Contains("header.recordLength", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Decode_ghes_json_shows_the_linux_aer_verdict()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bk-ghes-{Environment.ProcessId}.bin");
        try
        {
            var request = new GhesPcieErrorBlockWriter.Request(0, 3, 0, 0, 0x8086, 0x1572, 0x020000, 0,
                new AerRegisters(0x14820001, 0x20, 0, 0x62030, 0, 0x2000, 0xA5), CperSeverity.Corrected,
                Flags: (byte)(CperSectionDescriptor.Primary | CperSectionDescriptor.Reset));
            File.WriteAllBytes(path, GhesPcieErrorBlockWriter.Write(request));
            var (exit, stdout, stderr) = Run("decode", "ghes", path, "--json");
            Assert.True(exit == 0, stderr);
            var json = JsonNode.Parse(stdout)!;
            Assert.Equal("Fatal", (string?)json["entries"]![0]!["linuxAerRecovery"]!["severity"]);
            Assert.Equal("Corrected", (string?)json["linuxSeverity"]);
            Assert.Equal(true, (bool?)json["entries"]![0]!["section"]!["Pcie"]!["aerInfo"]!["uncorrectable_error_status"]!["surprise_down_error_status"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
