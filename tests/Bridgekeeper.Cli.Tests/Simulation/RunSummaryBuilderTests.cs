using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Cli.Tests.Report;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Tests.Simulation;

public class RunSummaryBuilderTests
{
    [Fact]
    public void A_recovery_runs_from_error_detected_to_recovery_complete()
    {
        var s = RunSummaryBuilder.Build("t", 1, SyntheticRun.Events(), [], []);
        var r = Assert.Single(s.Recoveries);
        Assert.Equal(SyntheticRun.Nvme, r.Device);
        Assert.True(r.Recovered);
        Assert.Equal(SimTime.FromMicroseconds(105_301), r.Latency);
        Assert.Equal([SyntheticRun.Guest], r.Owners.ToArray());
        Assert.Equal([SyntheticRun.Nvme], s.DevicesReset.ToArray());
        Assert.Equal([SyntheticRun.Guest], s.DomainsDisturbed.ToArray());
    }

    [Fact]
    public void Without_the_recoverys_own_spec_minimum_there_is_no_ratio()
    {
        // One definition (Hypervisor.Recovery.RecoverySpecMinimum): the summary does not make up its own.
        var r = RunSummaryBuilder.Build("t", 1, SyntheticRun.Events(), [], []).Recoveries[0];
        Assert.Equal(SimTime.Zero, r.SpecMinimum);
        Assert.Null(r.LatencyRatio);
    }

    [Fact]
    public void The_spec_minimum_is_the_one_the_recovery_states()
    {
        var events = SyntheticRun.Events();
        var last = events[^1];
        events[^1] = last with { Details = [.. last.Details, KeyValuePair.Create<string, object?>("specMinimum", SimTime.FromMilliseconds(104))] };
        var r = RunSummaryBuilder.Build("t", 1, events, [], []).Recoveries[0];
        Assert.Equal(SimTime.FromMilliseconds(104), r.SpecMinimum);
        Assert.Equal(105.301 / 104, r.LatencyRatio!.Value, 9);
    }

    [Fact]
    public void Correctable_errors_start_no_recovery_and_a_failed_one_counts_as_failed()
    {
        var d = Sbdf.Parse("00:02.0");
        var sev = KeyValuePair.Create<string, object?>("severity", ErrorSeverity.Correctable);
        List<TimelineEvent> events =
        [
            TimelineEvent.Of(SimTime.FromMilliseconds(1), EventKinds.ErrorDetected, d, null, "BAD_TLP", sev),
            TimelineEvent.Of(SimTime.FromMilliseconds(2), EventKinds.ErrorDetected, d, null, "DLP", KeyValuePair.Create<string, object?>("severity", "fatal")),
            TimelineEvent.Of(SimTime.FromMilliseconds(3), EventKinds.DeviceQuarantined, d, DomainId.Quarantine, "never ready"),
            TimelineEvent.Of(SimTime.FromMilliseconds(4), EventKinds.RecoveryFailed, d, null, "gave up"),
        ];
        var s = RunSummaryBuilder.Build("t", 1, events, [], []);
        var r = Assert.Single(s.Recoveries);
        Assert.False(r.Recovered);
        Assert.Equal(1, s.FailedCount);
        Assert.Equal([d], s.Quarantined.ToArray());
    }
}
