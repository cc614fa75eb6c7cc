using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Capability offsets per function, walked on first use. Offsets never change while a function
/// exists (they are read-only), so error handling and recovery share one walk per function.
/// </summary>
public sealed class CapabilityCache(IConfigAccess config)
{
    private readonly Dictionary<Sbdf, FunctionCapabilities> _known = [];

    public FunctionCapabilities Of(Sbdf function)
    {
        if (_known.TryGetValue(function, out var caps)) return caps;
        caps = FunctionCapabilities.Find(config, function);
        _known[function] = caps;
        return caps;
    }

    /// <summary>Forgets a function (after surprise removal its capabilities may differ when it returns).</summary>
    public void Forget(Sbdf function) => _known.Remove(function);
}
