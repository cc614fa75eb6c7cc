using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// Derives a run's summary from its event stream alone (the one stream: nothing is counted twice
/// elsewhere). A recovery runs from an uncorrectable <c>error-detected</c> to <c>recovery-complete</c>
/// or <c>recovery-failed</c>; events in between are attributed to it by their <c>recovery</c> detail
/// when the emitter gives one, else by device, else to the most recent open recovery.
/// </summary>
public static class RunSummaryBuilder
{
    public static RunSummary Build(string scenario, ulong seed, IReadOnlyList<TimelineEvent> events,
        ImmutableArray<InvariantBreak> breaks, ImmutableArray<string> expectationFailures)
    {
        var episodes = new List<Open>();
        var devicesReset = new SortedSet<Sbdf>();
        var disturbed = new SortedSet<DomainId>();
        var quarantined = new SortedSet<Sbdf>();
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case EventKinds.ErrorDetected:
                    if (IsCorrectable(e)) break;
                    var key = KeyOf(e);
                    if (episodes.Any(o => o.Ended is null && (o.Key == key || o.Device == e.Device))) break; // a second error joins the open recovery
                    if (e.Device is { } dev)
                        episodes.Add(new Open(key, dev, EventDetails.GetString(e, "severity") ?? "uncorrectable", e.Time));
                    break;
                case EventKinds.OwnerNotified:
                    if (Find(e) is { } on && e.Domain is { } d)
                    {
                        on.NotifiedAt.TryAdd(d, e.Time);
                        disturbed.Add(d);
                    }
                    break;
                case EventKinds.OwnerQuiesced:
                    if (Find(e) is { } oq && e.Domain is { } dq) oq.QuiescedAt.TryAdd(dq, e.Time);
                    break;
                case EventKinds.SbrAssert:
                    if (Find(e) is { } os) os.SawReset = true;
                    break;
                case EventKinds.DeviceReady:
                    if (e.Device is { } ready)
                    {
                        devicesReset.Add(ready);
                        Find(e)?.Reset.Add(ready);
                    }
                    break;
                case EventKinds.DeviceQuarantined:
                    if (e.Device is { } q) quarantined.Add(q);
                    break;
                case EventKinds.RecoveryComplete:
                case EventKinds.RecoveryFailed:
                    if (Find(e) is { } oc && oc.Ended is null)
                    {
                        oc.Ended = e.Time;
                        oc.Recovered = e.Kind == EventKinds.RecoveryComplete;
                        oc.SpecMinimum = EventDetails.GetTime(e, "specMinimum");
                    }
                    break;
            }
        }
        return new RunSummary(scenario, seed, events.Count,
            episodes.Select(o => o.ToEpisode()).ToImmutableArray(),
            devicesReset.ToImmutableArray(), disturbed.ToImmutableArray(), quarantined.ToImmutableArray(),
            breaks, expectationFailures);

        Open? Find(TimelineEvent e)
        {
            string? key = EventDetails.GetString(e, "recovery");
            Open? latest = null;
            for (int i = episodes.Count - 1; i >= 0; i--)
            {
                var o = episodes[i];
                if (o.Ended is not null && e.Kind is EventKinds.RecoveryComplete or EventKinds.RecoveryFailed) continue;
                if (key is not null && o.Key == key) return o;
                if (key is null && e.Device == o.Device) return o;
                latest ??= o.Ended is null ? o : null;
            }
            return latest;
        }
    }

    private static bool IsCorrectable(TimelineEvent e) =>
        EventDetails.Get(e, "severity") is ErrorSeverity.Correctable
        || string.Equals(EventDetails.GetString(e, "severity"), "correctable", StringComparison.OrdinalIgnoreCase);

    private static string KeyOf(TimelineEvent e) => EventDetails.GetString(e, "recovery") ?? e.Device?.ToString() ?? "";

    private sealed class Open(string key, Sbdf device, string severity, SimTime detected)
    {
        public string Key { get; } = key;
        public Sbdf Device { get; } = device;
        public Dictionary<DomainId, SimTime> NotifiedAt { get; } = [];
        public Dictionary<DomainId, SimTime> QuiescedAt { get; } = [];
        public SortedSet<Sbdf> Reset { get; } = [];
        public bool SawReset { get; set; }
        public SimTime? Ended { get; set; }
        public bool Recovered { get; set; }
        public SimTime? SpecMinimum { get; set; }

        public RecoveryEpisode ToEpisode()
        {
            // The spec's least time for this recovery is the recovery's own specMinimum detail
            // (Hypervisor.Recovery.RecoverySpecMinimum, the one definition the benchmark uses too);
            // without it there is no ratio.
            return new RecoveryEpisode(Device, severity, detected, Ended, Recovered, SpecMinimum ?? SimTime.Zero,
                NotifiedAt.Keys.Order().ToImmutableArray(), Reset.ToImmutableArray());
        }
    }
}
