using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// One function in a <see cref="PciTopology"/>: where it sits (host bridge, upstream bridge, children),
/// what it is, and the config facts grouping and reset scopes need. Immutable.
/// </summary>
public sealed class TopologyNode
{
    /// <summary>Position in the topology's canonical (Linux scan) order; also the index into <see cref="PciTopology.Nodes"/>.</summary>
    public int Index { get; internal init; }

    public required Sbdf Address { get; init; }

    public required FunctionKind Kind { get; init; }

    public required FunctionFacts Facts { get; init; }

    public required ConfigSpace Config { get; init; }

    public required HostBridge HostBridge { get; init; }

    /// <summary>
    /// The bridge whose secondary bus carries this function (Linux's <c>bus-&gt;self</c>); null on the root
    /// bus. A VF's is its PF's, since the VF shares the PF's bus or sits on a virtual bus that has no bridge.
    /// </summary>
    public Sbdf? UpstreamBridge { get; internal init; }

    /// <summary>Index of <see cref="UpstreamBridge"/>, -1 on the root bus.</summary>
    public int UpstreamIndex { get; internal init; } = -1;

    /// <summary>Functions on this bridge's secondary bus (VFs not included; see <see cref="VirtualFunctions"/>).</summary>
    public ImmutableArray<Sbdf> Children { get; internal set; } = [];

    public bool IsVirtualFunction => Kind == FunctionKind.VirtualFunction;

    public Sbdf? PhysicalFunction { get; init; }

    public ImmutableArray<Sbdf> VirtualFunctions { get; internal set; } = [];

    /// <summary>Requester IDs this function also uses for DMA as phantom functions (PCIe Base 6.0 §2.2.6.2).</summary>
    public ImmutableArray<RequesterId> PhantomRequesterIds { get; internal init; } = [];

    /// <summary>The function has an ARI capability and its upstream port forwards ARI (§6.13): its DevFn is one 8-bit function number.</summary>
    public bool IsAriFunction { get; internal init; }

    /// <summary>
    /// Linux's <c>pdev-&gt;multifunction</c>: Header Type bit 7, or any function number above 0 found by the
    /// slot scan; always false for a VF.
    /// </summary>
    public bool IsMultiFunction { get; internal init; }

    public bool IsPcie => Facts.IsPcie;

    public PciePortType? PortType => Facts.PortType;

    public bool IsBridge => !IsVirtualFunction && Facts.IsBridge;

    public bool IsRootBus => UpstreamIndex < 0;

    public override string ToString() => $"{Address} {Kind}";
}
