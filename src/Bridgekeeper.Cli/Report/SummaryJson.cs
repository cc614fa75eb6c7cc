using System.Text.Json;
using Bridgekeeper.Cli.Simulation;

namespace Bridgekeeper.Cli.Report;

/// <summary>The last line of <c>simulate --json</c>: the run's summary as <c>{"kind":"summary",…}</c>.</summary>
public static class SummaryJson
{
    public static void Write(Utf8JsonWriter json, RunSummary s)
    {
        json.WriteString("kind", "summary");
        json.WriteString("scenario", s.Scenario);
        json.WriteNumber("seed", s.Seed);
        json.WriteNumber("events", s.Events);
        json.WriteNumber("runs", 1);
        json.WriteNumber("invariantBreaks", s.InvariantBreaks.Length);
        json.WriteNumber("recovered", s.RecoveredCount);
        json.WriteNumber("quarantined", s.Quarantined.Length);
        json.WritePropertyName("devicesReset");
        EventJsonWriter.WriteValue(json, s.DevicesReset.Select(d => d.ToString()).ToArray());
        json.WritePropertyName("domainsDisturbed");
        EventJsonWriter.WriteValue(json, s.DomainsDisturbed.Select(d => d.ToString()).ToArray());
        json.WriteStartArray("recoveries");
        foreach (var r in s.Recoveries)
        {
            json.WriteStartObject();
            json.WriteString("sbdf", r.Device.ToString());
            json.WriteString("severity", r.Severity);
            json.WriteNumber("detected_us", r.Detected.Nanoseconds / 1000.0);
            if (r.Ended is { } end) json.WriteNumber("ended_us", end.Nanoseconds / 1000.0); else json.WriteNull("ended_us");
            json.WriteString("outcome", r.Ended is null ? "unfinished" : r.Recovered ? "recovered" : "failed");
            if (r.Latency is { } l) json.WriteNumber("latency_us", l.Nanoseconds / 1000.0); else json.WriteNull("latency_us");
            json.WriteNumber("specMinimum_us", r.SpecMinimum.Nanoseconds / 1000.0);
            if (r.LatencyRatio is { } q) json.WriteNumber("latencyRatio", Math.Round(q, 6)); else json.WriteNull("latencyRatio");
            json.WritePropertyName("owners");
            EventJsonWriter.WriteValue(json, r.Owners.Select(o => o.ToString()).ToArray());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("breaks");
        foreach (var b in s.InvariantBreaks) json.WriteStringValue(b.ToString());
        json.WriteEndArray();
        json.WriteStartArray("expectationFailures");
        foreach (var f in s.ExpectationFailures) json.WriteStringValue(f);
        json.WriteEndArray();
    }
}
