using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Saved configurations. Assignment should <see cref="Save"/> a function's clean state when it hands
/// the function out; recovery otherwise captures it when an error starts, before anything is reset.
/// AER registers are saved only when the hypervisor owns AER (<paramref name="aerNative"/>).
/// </summary>
public sealed class ConfigSnapshotStore(IConfigAccess config, CapabilityCache capabilities, bool aerNative)
{
    private readonly Dictionary<Sbdf, ConfigSnapshot> _saved = [];

    public ConfigSnapshot Save(Sbdf function)
    {
        var s = ConfigSnapshot.Capture(config, function, capabilities.Of(function), aerNative);
        _saved[function] = s;
        return s;
    }

    /// <summary>The saved state, capturing it now if none was saved; null when the function does not answer.</summary>
    public ConfigSnapshot? GetOrCapture(Sbdf function)
    {
        if (_saved.TryGetValue(function, out var s)) return s;
        if ((config.Read(function, ConfigHeader.VendorId, 2) & 0xFFFF) is 0xFFFF or 0x0001) return null;
        return Save(function);
    }

    public void Forget(Sbdf function) => _saved.Remove(function);
}
