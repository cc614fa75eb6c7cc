using System.Text;
using System.Text.Json;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Tests.Report;

public class EventJsonWriterTests
{
    private static string[] WriteAll(IEnumerable<TimelineEvent> events, Action<EventJsonWriter>? tail = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new EventJsonWriter(buffer))
        {
            foreach (var e in events) writer.Write(e);
            tail?.Invoke(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Each_event_is_one_json_line_with_time_kind_device_domain_and_details()
    {
        var lines = WriteAll(SyntheticRun.Events());
        Assert.Equal(SyntheticRun.Events().Count, lines.Length);
        using var vote = JsonDocument.Parse(lines[3]);
        var root = vote.RootElement;
        Assert.Equal(50_020.0, root.GetProperty("t_us").GetDouble());
        Assert.Equal(EventKinds.OwnerVote, root.GetProperty("kind").GetString());
        Assert.Equal("0000:03:00.0", root.GetProperty("sbdf").GetString());
        Assert.Equal("d1", root.GetProperty("domain").GetString());
        Assert.Equal("NeedReset", root.GetProperty("vote").GetString());
        Assert.Equal("r1", root.GetProperty("recovery").GetString());
        using var blocked = JsonDocument.Parse(lines[5]);
        Assert.Equal(JsonValueKind.Null, blocked.RootElement.GetProperty("domain").ValueKind);
        Assert.Equal("0000:03:00.0", blocked.RootElement.GetProperty("scope")[0].GetString());
    }

    [Fact]
    public void A_detail_cannot_overwrite_a_fixed_field()
    {
        var e = TimelineEvent.Of(SimTime.FromMicroseconds(3), "x", null, null, "t", KeyValuePair.Create<string, object?>("kind", "evil"));
        using var doc = JsonDocument.Parse(WriteAll([e])[0]);
        Assert.Equal("x", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("evil", doc.RootElement.GetProperty("detail_kind").GetString());
    }

    [Fact]
    public void The_summary_is_the_last_line()
    {
        var report = SyntheticRun.Report();
        var lines = WriteAll(report.Events, w => w.WriteObject(j => SummaryJson.Write(j, report.Summary)));
        using var doc = JsonDocument.Parse(lines[^1]);
        var s = doc.RootElement;
        Assert.Equal("summary", s.GetProperty("kind").GetString());
        Assert.Equal(1, s.GetProperty("recovered").GetInt32());
        Assert.Equal(0, s.GetProperty("invariantBreaks").GetInt32());
        var r = s.GetProperty("recoveries")[0];
        Assert.Equal(105_301.0, r.GetProperty("latency_us").GetDouble());
        Assert.Equal("recovered", r.GetProperty("outcome").GetString());
    }
}
