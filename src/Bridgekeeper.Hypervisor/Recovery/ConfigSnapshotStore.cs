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

    /// <summary>
    /// A VF's saved state, capturing it now if none was saved; null when it does not answer. Its Vendor
    /// and Device ID always read all ones (PCIe Base 6.0 §9.3.4.1.1-2), so presence is judged by the
    /// Command/Status dword instead: Command bits 15:11 are RsvdP and read 0 (§7.5.1.1.3, §9.3.4.1.3),
    /// so a function that answers never reads all ones there. Saving a VF that no longer answers
    /// (removed, or not there) would keep all ones, and restoring that would write Device Control
    /// bit 15, Initiate Function Level Reset (§7.5.3.4): an FLR nobody asked for, followed at once by
    /// config requests during the 100 ms the function may take to be ready again (§6.6.2).
    /// </summary>
    public ConfigSnapshot? GetOrCaptureVirtualFunction(Sbdf function)
    {
        if (_saved.TryGetValue(function, out var s)) return s;
        if (config.Read(function, ConfigHeader.Command, 4) == 0xFFFF_FFFF) return null;
        return Save(function);
    }

    public void Forget(Sbdf function) => _saved.Remove(function);
}
