using Bridgekeeper.Cli.Simulation.Invariants;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>
/// The RAS log the run writes to: the SQLite log when <c>--db</c> is given, else nothing durable; in
/// both cases it keeps (time, device) of every error record for the <see cref="ErrorsAreLogged"/> check.
/// </summary>
public sealed class RecordingRasLog(IRasLog? durable) : IRasLog
{
    private long _nextId;

    public List<LoggedErrorView> Errors { get; } = [];

    public long AppendError(RasErrorRecord record)
    {
        long id = durable?.AppendError(record) ?? ++_nextId;
        Errors.Add(new LoggedErrorView(record.Time, record.Device));
        return id;
    }

    public void AppendStep(TimelineEvent step) => durable?.AppendStep(step);
}
