using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Sriov = Bridgekeeper.Pci.SriovCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// SR-IOV VF Enable (PCIe Base 6.0 §9.3.3.3.1): setting it makes NumVFs VFs appear at Routing ID
/// PF + First VF Offset + (n-1) * VF Stride (§9.3.3.9-10) once the PF's VF-enable readiness time has
/// passed (the spec allows 100 ms; software must not touch them earlier, §9.3.3.3.1); clearing it
/// removes them at once. VFs read Vendor and Device ID as 0xFFFF (§9.3.4.1.1) like real ones.
/// </summary>
public sealed class SriovEngine
{
    private readonly EventLoop _loop;
    private readonly Dictionary<SimFunction, int> _generation = [];

    internal SriovEngine(EventLoop loop) => _loop = loop;

    /// <summary>Sends the PF's VF Enabled / VF Disabled FRS Messages (§6.22.2; set by the machine).</summary>
    internal FrsSignalling? Frs { get; set; }

    internal void OnControlWritten(SimFunction pf, uint before, uint after)
    {
        bool was = (before & Sriov.VfEnable) != 0, now = (after & Sriov.VfEnable) != 0;
        if (was == now) return;
        if (!now)
        {
            Disable(pf);
            Frs?.Send(pf, FrsReason.VfDisabled); // the model removes VFs at once
            return;
        }
        int generation = Bump(pf);
        var readiness = pf.Readiness.AfterVfEnable;
        _loop.Schedule(readiness, () => { if (_generation[pf] == generation) Create(pf); }, "vf-enable");
    }

    /// <summary>Removes every VF of <paramref name="pf"/> (VF Enable cleared, or the PF reset).</summary>
    public void Disable(SimFunction pf)
    {
        Bump(pf);
        foreach (var vf in pf.VirtualFunctions) { vf.Removed = true; vf.Bus?.Detach(vf); }
        pf.VirtualFunctions.Clear();
    }

    private void Create(SimFunction pf)
    {
        if (pf.VirtualFunctionConfig is null || pf.Bus is null) return;
        var view = new Sriov.View(pf.Config.Bytes, pf.SriovCapability);
        int count = Math.Min(view.NumVfCount, view.TotalVfCount);
        for (int n = 1; n <= count; n++)
        {
            int rid = view.VfRoutingId(pf.Address.RequesterId, n);
            if (rid >> 8 != pf.Address.Bus)
                throw new NotSupportedException($"VF {n} of {pf.Name} would sit on bus {rid >> 8:x2}; the model places VFs on the PF's bus only");
            if (pf.Bus.At(rid & 0xFF) is not null) continue;
            var vf = new SimFunction($"{pf.Name}-vf{n}", pf.VirtualFunctionConfig(n), pf.Readiness) { PhysicalFunction = pf };
            pf.Bus.Attach(vf, rid & 0xFF);
            vf.ReadyAt = _loop.Now;
            pf.VirtualFunctions.Add(vf);
        }
        Frs?.Send(pf, FrsReason.VfEnabled);
    }

    private int Bump(SimFunction pf) => _generation[pf] = (_generation.TryGetValue(pf, out int g) ? g : 0) + 1;
}
