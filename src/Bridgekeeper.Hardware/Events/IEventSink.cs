namespace Bridgekeeper.Hardware;

/// <summary>Receives the one ordered event stream.</summary>
public interface IEventSink
{
    void Emit(TimelineEvent e);
}
