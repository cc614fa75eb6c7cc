namespace Bridgekeeper.Hardware;

/// <summary>
/// The durable RAS log. Every error record is appended — and durable — before the hypervisor acts on
/// it, so that nothing accepted is lost even if recovery then fails or the host dies.
/// </summary>
public interface IRasLog
{
    /// <summary>Stores an error record durably and returns its id.</summary>
    long AppendError(RasErrorRecord record);

    /// <summary>Stores one recovery step (a timeline event) durably.</summary>
    void AppendStep(TimelineEvent step);
}
