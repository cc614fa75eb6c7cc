using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// The part of the topology the AER handler needs: every function below a root port (or the RCiEPs
/// of an RCEC), in bus-walk order. An adapter over the topology registry implements it.
/// </summary>
public interface IErrorHierarchy
{
    IReadOnlyList<Sbdf> FunctionsBelow(Sbdf rootPort);

    PciePortType PortTypeOf(Sbdf function);
}
