using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Simulation.Invariants;

/// <summary>
/// Every error the hypervisor reports (<c>error-detected</c>) has its record in the RAS log, with the
/// same device and virtual time: the log is written before the hypervisor acts, so nothing acted on is
/// missing from it.
/// </summary>
public sealed class ErrorsAreLogged : IInvariant
{
    public string Name => "every-error-logged";

    public void Check(IReadOnlyList<TimelineEvent> events, SimulationObservations observed, List<InvariantBreak> breaks)
    {
        var logged = new Dictionary<LoggedErrorView, int>();
        foreach (var r in observed.LoggedErrors) logged[r] = logged.GetValueOrDefault(r) + 1;
        foreach (var e in events)
        {
            if (e.Kind != EventKinds.ErrorDetected) continue;
            var key = new LoggedErrorView(e.Time, e.Device);
            if (logged.TryGetValue(key, out int n) && n > 0)
            {
                logged[key] = n - 1;
                continue;
            }
            breaks.Add(new InvariantBreak(Name, e.Time, e.Device, "error-detected has no record in the RAS log"));
        }
    }
}
