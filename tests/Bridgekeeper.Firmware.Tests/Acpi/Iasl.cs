using System.Diagnostics;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>
/// Runs the real ACPICA disassembler (`iasl -d`, Debian acpica-tools, installed by .ci/run) on a table.
/// A missing iasl makes the calling test fail, never skip.
/// </summary>
public static class Iasl
{
    public sealed record Result(int ExitCode, string Output, string Disassembly);

    public static Result Disassemble(byte[] table, string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "bridgekeeper-iasl-" + Environment.ProcessId + "-" + name);
        Directory.CreateDirectory(dir);
        try
        {
            string bin = Path.Combine(dir, name + ".bin");
            File.WriteAllBytes(bin, table);
            var psi = new ProcessStartInfo("iasl", ["-d", bin])
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("iasl did not start");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000)) { process.Kill(); throw new TimeoutException("iasl -d ran over 60 s"); }
            string dslPath = Path.Combine(dir, name + ".dsl");
            string dsl = File.Exists(dslPath) ? File.ReadAllText(dslPath) : "";
            return new Result(process.ExitCode, stdout + stderr.Result, dsl);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
