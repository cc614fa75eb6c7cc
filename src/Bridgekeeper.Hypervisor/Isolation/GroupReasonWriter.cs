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
        // Joins by cause (kind, via, culprit), causes in the order first met, each with its distinct members.
        var causes = new List<(GroupJoinKind Kind, Sbdf Via, Sbdf? Culprit)>();
        var subjectsOf = new List<List<Sbdf>>();
        foreach (var j in group.Joins)
        {
            int c = causes.IndexOf((j.Kind, j.Via, j.Culprit));
            if (c < 0)
            {
                c = causes.Count;
                causes.Add((j.Kind, j.Via, j.Culprit));
                subjectsOf.Add([]);
            }
            if (!subjectsOf[c].Contains(j.Member)) subjectsOf[c].Add(j.Member);
        }
        var clauses = new List<string>(causes.Count);
        for (int c = 0; c < causes.Count; c++)
        {
            var (kind, via, culprit) = causes[c];
            var subjects = subjectsOf[c];
            subjects.Sort();
            var viaNode = topology[via];
            string who = List(subjects);
            string clause = kind switch
            {
                GroupJoinKind.BridgeAlias =>
                    $"{who} {Are(subjects)} behind {KindName(viaNode)} {via:s}, so {(subjects.Count == 1 ? "its" : "their")} DMA carries the bridge's requester ID",
                GroupJoinKind.PathNotIsolated =>
                    $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, where the path to the root is not ACS-isolated ({via:s} {AcsState(viaNode)})",
                GroupJoinKind.DmaAlias => $"{who} and {via:s} are DMA aliases of each other",
                GroupJoinKind.MultiFunctionWithoutAcs => MultiFunction(subjects, via, topology),
                GroupJoinKind.BelowNonIsolatingPort => culprit is { } d
                    ? $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, into which its sibling function {d:s} ({AcsState(topology[d])}) can route peer-to-peer traffic"
                    : $"{who} {Are(subjects)} below {KindName(viaNode)} {via:s}, which {AcsState(viaNode)}",
                GroupJoinKind.SwitchBusNotIsolated => culprit is { } e
                    ? $"{who} {Are(subjects)} on or below switch {via:s}, whose internal bus is not isolated: {SwitchCulprit(topology[e])}"
                    : $"{who} {Are(subjects)} on or below switch {via:s}, whose internal bus is not isolated",
                GroupJoinKind.BehindConventionalBridge =>
                    $"{who} {Are(subjects)} behind {KindName(viaNode)} {via:s}, where peer-to-peer traffic never reaches the IOMMU and requester IDs are not unique",
                GroupJoinKind.VirtualFunctionWithoutPfAcs =>
                    $"{who} {(subjects.Count == 1 ? "is a VF" : "are VFs")} of {via:s}, which {AcsState(viaNode)}, so functions of the device can reach each other inside it",
                _ => $"{who} joined {via:s}",
            };
            if (!clauses.Contains(clause)) clauses.Add(clause);
        }
        return $"{List(group.Members)} share a group: {string.Join("; ", clauses)}";
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

    /// <summary>The clause for functions of one device sharing a group because some lack ACS: <paramref name="subjects"/> (sorted) and <paramref name="via"/>.</summary>
    private static string MultiFunction(List<Sbdf> subjects, Sbdf via, PciTopology topology)
    {
        var all = new List<Sbdf>(subjects.Count + 1);
        all.AddRange(subjects);
        if (!all.Contains(via)) { all.Add(via); all.Sort(); }
        TopologyNode? sample = null;
        foreach (var f in all)
        {
            var node = topology[f];
            if (!AcsIsolation.Enabled(node)) { sample = node; break; }
        }
        sample ??= topology[all[0]];
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
        var s = new List<string>();
        foreach (var i in items) s.Add(i.ToShortString());
        if (s.Count <= 1) return s.Count == 0 ? "" : s[0];
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < s.Count - 1; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(s[i]);
        }
        return text.Append(" and ").Append(s[^1]).ToString();
    }
}
