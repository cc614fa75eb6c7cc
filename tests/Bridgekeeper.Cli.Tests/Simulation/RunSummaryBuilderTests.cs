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
    public void Spec_minimum_is_slowest_quiesce_plus_reset_hold_plus_readiness_delay()
    {
        var r = RunSummaryBuilder.Build("t", 1, SyntheticRun.Events(), [], []).Recoveries[0];
        // The owner quiesced 3 ms after being told; SBR 1 ms (Trst); 100 ms before config requests.
        Assert.Equal(SimTime.FromMilliseconds(104), r.SpecMinimum);
        Assert.Equal(105.301 / 104, r.LatencyRatio!.Value, 9);
    }

    [Fact]
    public void A_spec_minimum_stated_by_the_emitter_wins()
    {
        var events = SyntheticRun.Events();
        var last = events[^1];
        events[^1] = last with { Details = [.. last.Details, KeyValuePair.Create<string, object?>("specMinimum", SimTime.FromMilliseconds(5))] };
        Assert.Equal(SimTime.FromMilliseconds(5), RunSummaryBuilder.Build("t", 1, events, [], []).Recoveries[0].SpecMinimum);
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
