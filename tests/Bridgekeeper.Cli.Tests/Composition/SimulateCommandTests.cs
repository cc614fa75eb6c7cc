using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Tests.Composition;

public class SimulateCommandTests
{
    private static int Run(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(c => { c.PropagateExceptions(); c.AddCommand<Bridgekeeper.Cli.Commands.SimulateCommand>("simulate"); });
        return ExitCodes.Run(() => app.Run(args));
    }

    [Fact]
    public void A_bad_scenario_file_exits_2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bk-bad-{Environment.ProcessId}.yaml");
        File.WriteAllText(path, "domains:\n  - name: g\n    driver: sleepy\n");
        try
        {
            Assert.Equal(ExitCodes.BadInput, Run("simulate", "--scenario", path, "--json"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_failed_expectation_exits_1()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bk-expect-{Environment.ProcessId}.yaml");
        File.WriteAllText(path, "domains:\n  - name: g\nassign:\n  - device: nvme0\n    to: g\nexpect:\n  - domain: g\n    told: error-detected\nrunFor: 10ms\n");
        try
        {
            Assert.Equal(ExitCodes.InvariantBroken, Run("simulate", "--scenario", path, "--json"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_default_run_exits_0_and_writes_the_database_and_report()
    {
        string db = Path.Combine(Path.GetTempPath(), $"bk-ras-{Environment.ProcessId}.db");
        string html = Path.ChangeExtension(db, ".html");
        try
        {
            Assert.Equal(ExitCodes.Success, Run("simulate", "--json", "--db", db, "--report", html));
            var (errors, steps) = Bridgekeeper.Hypervisor.RasLog.RasLogReader.Read(db);
            Assert.Equal(2, errors.Count);
            Assert.Contains(steps, s => s.Kind == "recovery-complete");
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(html));
        }
        finally
        {
            foreach (var f in new[] { db, db + "-wal", db + "-shm", html }) File.Delete(f);
        }
    }
}
