using System.Diagnostics;

namespace Bridgekeeper.Cli.Tests.Decode;

/// <summary>Runs the built `bridgekeeper` executable end to end and captures its output and exit code.</summary>
public static class BridgekeeperProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "bridgekeeper.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("bridgekeeper did not start");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException($"bridgekeeper {string.Join(' ', args)} ran over 60 s"); }
        return new Result(p.ExitCode, stdout, stderr.Result);
    }
}
