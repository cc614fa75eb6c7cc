using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>Collects the one event stream in order and lets the composition react to an event as it is emitted.</summary>
public sealed class RecordingEventSink : IEventSink
{
    public List<TimelineEvent> Events { get; } = [];

    public Action<TimelineEvent>? OnEvent { get; set; }

    public void Emit(TimelineEvent e)
    {
        Events.Add(e);
        OnEvent?.Invoke(e);
    }
}
