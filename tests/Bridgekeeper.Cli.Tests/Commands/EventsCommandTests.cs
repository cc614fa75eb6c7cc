using System.Diagnostics;
using System.Text.Json.Nodes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Tests.Commands;

/// <summary>The events command over a RAS log written by the real SqliteRasLog, run as the executable.</summary>
public sealed class EventsCommandTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"bk-events-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
    private static readonly Sbdf A = new(0, 1, 0, 0), B = new(0, 2, 0, 0);

    public EventsCommandTests()
    {
        using var log = new SqliteRasLog(_db);
        log.AppendError(new RasErrorRecord(SimTime.FromMicroseconds(10), "native-aer", A, ErrorSeverity.Fatal, new byte[] { 0xDE, 0xAD }, "{\"uncor_status\":\"0x00040000\"}"));
        log.AppendError(new RasErrorRecord(SimTime.FromMicroseconds(500), "ghes:1", B, ErrorSeverity.NonFatal, new byte[] { 1 }, "{}"));
        log.AppendStep(TimelineEvent.Of(SimTime.FromMicroseconds(10), EventKinds.ErrorDetected, A, null, "fatal", new KeyValuePair<string, object?>("ras_id", 1L)));
        log.AppendStep(TimelineEvent.Of(SimTime.FromMicroseconds(20), EventKinds.OwnerNotified, A, new DomainId(1), "error_detected"));
        log.AppendStep(TimelineEvent.Of(SimTime.FromMicroseconds(900), EventKinds.SbrAssert, B, null, "assert", new KeyValuePair<string, object?>("hold_us", 1000L)));
    }

    public void Dispose()
    {
        foreach (var s in new[] { "", "-wal", "-shm" }) if (File.Exists(_db + s)) File.Delete(_db + s);
    }

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

    [Fact]
    public void Json_lists_errors_with_raw_bytes_and_decoded_fields_and_steps_with_details()
    {
        var (exit, stdout, _) = Run("events", _db, "--json");
        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        var errors = json["errors"]!.AsArray();
        Assert.Equal(2, errors.Count);
        Assert.Equal("dead", (string)errors[0]!["raw"]!);
        Assert.Equal("0x00040000", (string)errors[0]!["decoded"]!["uncor_status"]!);
        Assert.Equal("0000:01:00.0", (string)errors[0]!["sbdf"]!);
        var steps = json["steps"]!.AsArray();
        Assert.Equal(["error-detected", "owner-notified", "sbr-assert"], steps.Select(s => (string)s!["kind"]!));
        Assert.Equal(20, (long)steps[1]!["t_us"]!);
        Assert.Equal(1, (int)steps[1]!["domain"]!);
        Assert.Equal(1000, (long)steps[2]!["details"]!["hold_us"]!);
    }

    [Fact]
    public void Since_and_device_filter_both_tables()
    {
        var (exit, stdout, _) = Run("events", _db, "--json", "--since", "0.1ms", "--device", "01:00.0");
        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        Assert.Empty(json["errors"]!.AsArray());
        Assert.Empty(json["steps"]!.AsArray());
        (exit, stdout, _) = Run("events", _db, "--json", "--since", "15");
        json = JsonNode.Parse(stdout)!;
        Assert.Single(json["errors"]!.AsArray());
        Assert.Equal(2, json["steps"]!.AsArray().Count);
    }

    [Fact]
    public void Text_output_has_one_line_per_record()
    {
        var (exit, stdout, _) = Run("events", _db);
        Assert.Equal(0, exit);
        Assert.Equal(5, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("sbr-assert", stdout);
    }

    [Fact]
    public void A_file_that_is_not_a_ras_log_is_bad_input()
    {
        string junk = _db + ".junk";
        File.WriteAllText(junk, "not sqlite");
        try
        {
            var (exit, _, stderr) = Run("events", junk);
            Assert.Equal(2, exit);
            Assert.Contains(junk, stderr);
        }
        finally { File.Delete(junk); }
    }

    [Fact]
    public void A_bad_time_is_bad_input()
    {
        var (exit, _, stderr) = Run("events", _db, "--since", "yesterday");
        Assert.Equal(2, exit);
        Assert.Contains("--since", stderr);
    }
}
