using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>Writes a group's reason in words from its joins: who shares it, and which bridge, sibling or alias made them share.</summary>
internal static class GroupReasonWriter
{
    public static string Describe(IsolationGroup group, PciTopology topology, GroupingPolicy policy)
    {
        if (group.Members.Length == 1)
            return $"{group.Members[0]:s} is alone: {Founding(topology[group.Members[0]], policy)}";
        var clauses = new List<string>();
        foreach (var byCause in group.Joins.GroupBy(j => (j.Kind, j.Via, j.Culprit)))
        {
            var (kind, via, culprit) = byCause.Key;
            var subjects = byCause.Select(j => j.Member).Distinct().Order().ToList();
            var viaNode = topology[via];
            string who = List(subjects);
            clauses.Add(kind switch
            {
                GroupJoinKind.BridgeAlias =>
                    $"{who} {Are(subjects)} behind {KindName(viaNode)} {via:s}, so {(subjects.Count == 1 ? "its" : "their")} DMA carries the bridge's requester ID",
                GroupJoinKind.PathNotIsolated =>
                    $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, where the path to the root is not ACS-isolated ({via:s} {AcsState(viaNode)})",
                GroupJoinKind.DmaAlias => $"{who} and {via:s} are DMA aliases of each other",
                GroupJoinKind.MultiFunctionWithoutAcs => MultiFunction(subjects.Append(via), topology),
                GroupJoinKind.BelowNonIsolatingPort => culprit is { } c
                    ? $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, into which its sibling function {c:s} ({AcsState(topology[c])}) can route peer-to-peer traffic"
                    : $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, which {AcsState(viaNode)}",
                GroupJoinKind.SwitchBusNotIsolated => culprit is { } d
                    ? $"{who} {Are(subjects)} on or below switch {via:s}, whose internal bus is not isolated: {SwitchCulprit(topology[d])}"
                    : $"{who} {Are(subjects)} on or below switch {via:s}, whose internal bus is not isolated",
                GroupJoinKind.BehindConventionalBridge =>
                    $"{who} {Are(subjects)} behind {KindName(viaNode)} {via:s}, where peer-to-peer traffic never reaches the IOMMU and requester IDs are not unique",
                GroupJoinKind.VirtualFunctionWithoutPfAcs =>
                    $"{who} {(subjects.Count == 1 ? "is a VF" : "are VFs")} of {via:s}, which {AcsState(viaNode)}, so functions of the device can reach each other inside it",
                _ => $"{who} joined {via:s}",
            });
        }
        return $"{List(group.Members)} share a group: {string.Join("; ", clauses.Distinct())}";
    }

    private static string Founding(TopologyNode node, GroupingPolicy policy)
    {
        if (policy == GroupingPolicy.Strict)
            return node.IsRootBus ? "on the root bus, and nothing can route peer-to-peer traffic into it"
                : "every port above it enforces ACS and every switch bus on the way is isolated";
        if (node.IsVirtualFunction)
            return $"a VF of {node.PhysicalFunction:s} whose path to the root is ACS-isolated (Linux trusts the device not to route between its VFs)";
        if (node.IsRootBus)
            return node.IsMultiFunction ? "its ACS controls isolate it from the other functions of its device" : "a single-function device on the root bus";
        return "every bridge between it and the root is ACS-isolated";
    }

    private static string MultiFunction(IEnumerable<Sbdf> functions, PciTopology topology)
    {
        var all = functions.Distinct().Order().ToList();
        var without = all.Select(f => topology[f]).Where(n => !AcsIsolation.Enabled(n)).ToList();
        var sample = without.FirstOrDefault() ?? topology[all[0]];
        string kind = KindName(sample);
        string lacking = sample.Facts.AcsOffset == 0 ? "an ACS capability" : "ACS " + AcsIsolation.Describe(AcsIsolation.MissingControls(sample));
        return $"{List(all)} are multifunction {kind} functions without {lacking}";
    }

    private static string SwitchCulprit(TopologyNode node) =>
        node.Kind == FunctionKind.SwitchDownstreamPort
            ? $"downstream port {node.Address:s} {AcsState(node)}"
            : $"{node.Address:s} is a {KindName(node)}, not a downstream port";

    /// <summary>What a function's ACS looks like, e.g. "has no ACS capability" or "has ACS Request Redirect off".</summary>
    internal static string AcsState(TopologyNode node)
    {
        int quirk = AcsIsolation.QuirkAnswer(node, AcsIsolation.RequiredFlags, out var family);
        if (quirk >= 0) return quirk > 0 ? $"isolates by quirk ({family})" : $"is declared non-isolating by quirk ({family})";
        if (!node.IsPcie) return "is conventional PCI (no ACS)";
        if (node.Facts.AcsOffset == 0) return "has no ACS capability";
        ushort missing = AcsIsolation.MissingControls(node);
        return missing == 0 ? "enforces ACS" : $"has ACS {AcsIsolation.Describe(missing)} off";
    }

    internal static string KindName(TopologyNode node) => node.Kind switch
    {
        FunctionKind.RootPort => "root port",
        FunctionKind.SwitchUpstreamPort => "switch upstream port",
        FunctionKind.SwitchDownstreamPort => "switch downstream port",
        FunctionKind.PcieToPciBridge => "PCIe-to-PCI bridge",
        FunctionKind.PciToPcieBridge => "PCI-to-PCIe bridge",
        FunctionKind.PciBridge => "PCI bridge",
        FunctionKind.CardBusBridge => "CardBus bridge",
        FunctionKind.RootComplexIntegratedEndpoint => "RCiEP",
        FunctionKind.RootComplexEventCollector => "root complex event collector",
        FunctionKind.VirtualFunction => "VF",
        FunctionKind.ConventionalFunction => "conventional PCI",
        FunctionKind.LegacyEndpoint => "legacy endpoint",
        _ => "endpoint",
    };

    private static string Are(List<Sbdf> subjects) => subjects.Count == 1 ? "is" : "are";

    internal static string List(IEnumerable<Sbdf> items)
    {
        var s = items.Select(i => i.ToShortString()).ToList();
        return s.Count switch { 0 => "", 1 => s[0], _ => string.Join(", ", s.Take(s.Count - 1)) + " and " + s[^1] };
    }
}
