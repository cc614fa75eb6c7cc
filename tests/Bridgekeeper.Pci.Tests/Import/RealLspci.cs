using System.Diagnostics;

namespace Bridgekeeper.Pci.Tests.Import;

/// <summary>
/// Runs the real pciutils <c>lspci</c> (installed by .ci/run with apt-get). A missing lspci fails the
/// test that needs it with a message saying how to install it; it never skips.
/// </summary>
internal static class RealLspci
{
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("lspci")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("lspci did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("lspci is not installed: run `apt-get install -y pciutils` (CI does this in .ci/run)", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"lspci {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
            return output;
        }
    }
}
