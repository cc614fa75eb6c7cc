namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>Receives an uncorrectable error after it is durably logged: the recovery coordinator.</summary>
public interface IUncorrectableErrorSink
{
    void OnUncorrectable(ErrorReport report);
}
