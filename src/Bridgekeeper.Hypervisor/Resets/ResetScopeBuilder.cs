using System.Collections.Immutable;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Resets;

/// <summary>
/// Works out, for every function of a topology, what each reset method touches and who owns each
/// touched function. The owner lookup is passed in (the ownership table supplies it), so the same scopes
/// serve the CLI (everything owned by the hardware domain) and recovery (guests, quarantine, broken).
/// </summary>
public static class ResetScopeBuilder
{
    public static ImmutableArray<FunctionResetScope<TOwner>> Build<TOwner>(PciTopology topology, Func<Sbdf, TOwner> ownerOf)
    {
        var nodes = topology.Nodes;
        // Every function below each bridge, gathered in one pass up each function's ancestry.
        var below = new List<int>?[nodes.Length];
        foreach (var n in nodes)
            for (int up = n.UpstreamIndex; up >= 0; up = nodes[up].UpstreamIndex)
                (below[up] ??= []).Add(n.Index);
        var subtree = new ImmutableArray<ResetTarget<TOwner>>?[nodes.Length];
        ImmutableArray<ResetTarget<TOwner>> Subtree(int bridge) => subtree[bridge] ??=
            below[bridge] is { } l ? [.. l.Select(i => new ResetTarget<TOwner>(nodes[i].Address, ownerOf(nodes[i].Address)))] : [];

        var scopes = ImmutableArray.CreateBuilder<FunctionResetScope<TOwner>>(nodes.Length);
        foreach (var n in nodes)
        {
            var methods = ImmutableArray.CreateBuilder<ResetMethod<TOwner>>(3);
            if (n.Facts.FlrCapable)
            {
                var touched = ImmutableArray.CreateBuilder<ResetTarget<TOwner>>(1 + n.VirtualFunctions.Length);
                touched.Add(new ResetTarget<TOwner>(n.Address, ownerOf(n.Address)));
                // A PF's FLR clears VF Enable, so every VF it exposes goes away with it.
                foreach (var vf in n.VirtualFunctions) touched.Add(new ResetTarget<TOwner>(vf, ownerOf(vf)));
                methods.Add(new ResetMethod<TOwner>(ResetMethodKind.FunctionLevelReset, n.Address, touched.MoveToImmutable()));
            }
            if (n.UpstreamIndex >= 0)
            {
                var bridge = nodes[n.UpstreamIndex];
                var all = Subtree(bridge.Index);
                methods.Add(new ResetMethod<TOwner>(ResetMethodKind.SecondaryBusReset, bridge.Address, all));
                if (bridge.Facts.SlotPowerControl)
                    methods.Add(new ResetMethod<TOwner>(ResetMethodKind.SlotReset, bridge.Address, all));
            }
            scopes.Add(new FunctionResetScope<TOwner>(n.Address, methods.ToImmutable()));
        }
        return scopes.MoveToImmutable();
    }
}
