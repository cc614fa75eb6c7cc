using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// Linux-policy groups kept up to date as functions are hot-added, without recomputing the segment:
/// each new function is probed against the existing groups exactly as Linux probes a hot-added device
/// (<c>iommu_probe_device</c> then <c>pci_device_group</c>). Groups already formed never change, as in Linux.
/// The work is proportional to the depth of the tree and the width of the function's slot.
/// </summary>
public sealed class LinuxHotplugGroups
{
    private readonly PciTopology _snapshot;
    private readonly LinuxDeviceGrouping _grouping;
    private readonly Dictionary<long, int> _bridgeForBus = [];
    private readonly Dictionary<Sbdf, TopologyNode> _added = [];

    public LinuxHotplugGroups(PciTopology snapshot)
    {
        _snapshot = snapshot;
        _grouping = LinuxDeviceGrouping.Probe(snapshot);
        foreach (var n in snapshot.Nodes)
            if (n.IsBridge && n.Facts.SecondaryBus > n.Address.Bus) _bridgeForBus.TryAdd(PciTopology.BusKey(n.Address.Segment, n.Facts.SecondaryBus), n.Index);
    }

    /// <summary>Number of groups formed so far.</summary>
    public int GroupCount => _grouping.GroupCount;

    /// <summary>The group number of a function (snapshot or hot-added), -1 if unknown.</summary>
    public int GroupOf(Sbdf function) => _grouping.GroupOf(function);

    /// <summary>Probes a hot-added function and returns its group number.</summary>
    public int Add(FunctionConfig function)
    {
        if (_snapshot.Contains(function.Address) || _added.ContainsKey(function.Address))
            throw new ArgumentException($"{function.Address} is already grouped", nameof(function));
        var facts = FunctionFacts.Read(function.Config.Bytes);
        int upstream;
        if (function.PhysicalFunction is { } pf)
        {
            var pfNode = _snapshot.TryGet(pf, out var p) ? p : _added.GetValueOrDefault(pf)
                ?? throw new ArgumentException($"PF {pf} of {function.Address} is not grouped", nameof(function));
            upstream = pfNode.UpstreamIndex;
            facts = facts with { VendorId = pfNode.Facts.VendorId, DeviceId = pfNode.Facts.VfDeviceId };
        }
        else upstream = _bridgeForBus.GetValueOrDefault(PciTopology.BusKey(function.Address.Segment, function.Address.Bus), -1);
        var host = FindHost(function.Address)
            ?? throw new ArgumentException($"{function.Address} is outside every host bridge of the snapshot", nameof(function));
        if (upstream < 0 && host.StartBus != function.Address.Bus)
            throw new ArgumentException($"{function.Address} is on bus {function.Address.Bus:x2}, which no bridge leads to", nameof(function));
        bool vf = function.PhysicalFunction is not null;
        bool ari = !vf && facts.HasAri && upstream >= 0 && _snapshot.Nodes[upstream].Facts.AriForwardingEnabled;
        var node = new TopologyNode
        {
            Index = -1,
            Address = function.Address,
            Kind = facts.Kind(vf),
            Facts = facts,
            Config = function.Config,
            HostBridge = host,
            UpstreamBridge = upstream >= 0 ? _snapshot.Nodes[upstream].Address : null,
            UpstreamIndex = upstream,
            PhysicalFunction = function.PhysicalFunction,
            IsAriFunction = ari,
            IsMultiFunction = !vf && (facts.MultiFunctionBit || (ari ? function.Address.DevFn : function.Address.Function) != 0),
        };
        _added[function.Address] = node;
        return _grouping.Add(node);
    }

    /// <summary>Undoes the most recent <see cref="Add"/> (a hot-add followed by its removal).</summary>
    public bool RemoveLastAdded(Sbdf function) => _grouping.RemoveLastAdded(function) && _added.Remove(function);

    private HostBridge? FindHost(Sbdf a)
    {
        foreach (var h in _snapshot.HostBridges) if (h.Decodes(a)) return h;
        return null;
    }
}
