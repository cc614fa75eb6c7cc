using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.RasLog;

/// <summary>
/// The one place error handling and recovery record what they do: each step goes to the RAS log
/// first (durable before the hypervisor acts on it), then to the ordered event stream.
/// </summary>
public sealed class DurableTimeline(IRasLog rasLog, IEventSink sink, IClock clock)
{
    public IClock Clock { get; } = clock;

    public IRasLog RasLog { get; } = rasLog;

    public TimelineEvent Emit(string kind, Sbdf? device, DomainId? domain, string text, params KeyValuePair<string, object?>[] details)
    {
        var e = new TimelineEvent(Clock.Now, kind, device, domain, text, details);
        RasLog.AppendStep(e);
        sink.Emit(e);
        return e;
    }

    public static KeyValuePair<string, object?> D(string key, object? value) => new(key, value);
}
