using System.Text.Json;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary><c>simulate --runs N --json</c>: one line, <c>{"kind":"summary","runs","invariantBreaks","recovered","quarantined",…}</c>.</summary>
public static class CampaignJson
{
    public static void Write(Utf8JsonWriter json, CampaignSummary s)
    {
        json.WriteString("kind", "summary");
        json.WriteNumber("firstSeed", s.FirstSeed);
        json.WriteNumber("runs", s.Runs);
        json.WriteNumber("invariantBreaks", s.InvariantBreaks.Length);
        json.WriteNumber("recovered", s.Recovered);
        json.WriteNumber("failed", s.Failed);
        json.WriteNumber("quarantined", s.Quarantined);
        json.WriteNumber("refusedAssignments", s.RefusedAssignments);
        json.WriteStartObject("latency_us");
        foreach (double p in new[] { 50.0, 90.0, 99.0, 100.0 })
        {
            if (CampaignSummary.Percentile(s.Latencies, p) is SimTime t) json.WriteNumber($"p{p:0}", t.Nanoseconds / 1000.0);
            else json.WriteNull($"p{p:0}");
        }
        json.WriteEndObject();
        json.WriteStartObject("latencyRatio");
        foreach (double p in new[] { 50.0, 90.0, 99.0, 100.0 })
        {
            if (CampaignSummary.Percentile(s.LatencyRatios, p) is double q) json.WriteNumber($"p{p:0}", Math.Round(q, 6));
            else json.WriteNull($"p{p:0}");
        }
        json.WriteEndObject();
        json.WriteStartArray("breaks");
        foreach (var (seed, platform, b) in s.InvariantBreaks)
        {
            json.WriteStartObject();
            json.WriteNumber("seed", seed);
            json.WriteString("platform", platform);
            json.WriteString("invariant", b.Invariant);
            json.WriteString("detail", b.ToString());
            json.WriteString("replay", $"bridgekeeper simulate --runs 1 --seed {seed}");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
