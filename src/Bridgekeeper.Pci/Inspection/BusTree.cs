namespace Bridgekeeper.Pci;

/// <summary>
/// The bus hierarchy as <c>lspci -t</c> draws it, rebuilt from inspected functions alone: each
/// bridge owns the functions on its secondary bus, and a bus no bridge claims is a root bus of its
/// segment (behind a host bridge). A bridge whose secondary bus is its own bus, or a bus already
/// claimed, claims nothing and gets a warning, so a corrupt dump cannot loop the tree.
/// </summary>
public sealed class BusTree
{
    private BusTree(IReadOnlyList<BusNode> roots, IReadOnlyList<string> warnings)
    {
        Roots = roots;
        Warnings = warnings;
    }

    public IReadOnlyList<BusNode> Roots { get; }

    public IReadOnlyList<string> Warnings { get; }

    public static BusTree Build(IReadOnlyList<FunctionReport> functions)
    {
        var byBus = new SortedDictionary<(uint Segment, int Bus), List<FunctionReport>>();
        foreach (var f in functions)
        {
            var a = Sbdf.Parse(f.Sbdf);
            if (!byBus.TryGetValue((a.Segment, a.Bus), out var list)) byBus[(a.Segment, a.Bus)] = list = [];
            list.Add(f);
        }
        var claimedBy = new Dictionary<(uint, int), FunctionReport>();
        var warnings = new List<string>();
        foreach (var f in functions)
        {
            if (f.Bridge is not { } b) continue;
            var a = Sbdf.Parse(f.Sbdf);
            var key = (a.Segment, b.SecondaryBus);
            if (b.SecondaryBus <= a.Bus)
            {
                if (byBus.ContainsKey(key) && b.SecondaryBus != 0)
                    warnings.Add($"{f.Sbdf}: secondary bus {b.SecondaryBus:x2} is not below its own bus {a.Bus:x2}; not attached");
                continue;
            }
            if (!claimedBy.TryAdd(key, f))
                warnings.Add($"{f.Sbdf}: secondary bus {b.SecondaryBus:x2} is also claimed by {claimedBy[key].Sbdf}; not attached");
        }
        var visiting = new HashSet<(uint, int)>();
        BusNode Node((uint Segment, int Bus) key)
        {
            visiting.Add(key);
            var nodes = new List<FunctionNode>();
            foreach (var f in byBus.TryGetValue(key, out var list) ? list : [])
            {
                BusNode? child = null;
                if (f.Bridge is { } b && claimedBy.TryGetValue((key.Segment, b.SecondaryBus), out var owner) && owner == f
                    && !visiting.Contains((key.Segment, b.SecondaryBus)))
                    child = Node((key.Segment, b.SecondaryBus));
                nodes.Add(new FunctionNode(f, child));
            }
            return new BusNode(key.Segment, key.Bus, nodes);
        }
        var roots = new List<BusNode>();
        foreach (var key in byBus.Keys)
            if (!claimedBy.ContainsKey(key)) roots.Add(Node(key));
        return new BusTree(roots, warnings);
    }
}
