using System.Diagnostics;

namespace Bridgekeeper.Cli.Tests.Report;

/// <summary>
/// Loads a local HTML file in Debian's headless Chromium and returns the DOM after scripts ran plus the
/// JavaScript errors Chromium logged. A missing browser is a failure (CI installs it with apt-get).
/// </summary>
internal static class HeadlessChromium
{
    public sealed record PageLoad(string Dom, IReadOnlyList<string> ScriptErrors, string Log);

    public static PageLoad Load(string htmlPath)
    {
        string browser = Find() ?? throw new InvalidOperationException(
            "chromium not found on PATH: install it (apt-get install -y chromium); .ci/run does");
        string profile = Path.Combine(Path.GetTempPath(), "bk-chromium-" + Path.GetRandomFileName());
        var start = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile}",
            "--virtual-time-budget=2000", "--dump-dom", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 90 s");
            }
            string log = stderr.Result;
            // Chromium logs each console message and uncaught exception as "CONSOLE(line)" / "Uncaught ..." lines.
            var errors = log.Split('\n')
                .Where(l => l.Contains("Uncaught", StringComparison.Ordinal)
                    || (l.Contains(":ERROR:", StringComparison.Ordinal) && l.Contains("CONSOLE", StringComparison.Ordinal)))
                .ToList();
            return new PageLoad(stdout.Result, errors, log);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in new[] { "chromium", "chromium-browser" })
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
