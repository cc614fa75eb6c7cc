using System.Globalization;
using System.Net;
using System.Text;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// Draws the topology as a top-down tree in SVG: one box per host bridge or function, filled with its
/// isolation group's colour and labelled with its address, name and owner; each secondary-bus reset
/// scope is outlined with a dashed box around the functions it resets.
/// </summary>
internal static class TopologyTreeSvg
{
    private const int BoxWidth = 150, BoxHeight = 48, SlotWidth = 164, LevelHeight = 96, Margin = 24;

    public static void Render(TopologySnapshot topology, StringBuilder html)
    {
        var layout = Layout(topology);
        if (layout.Count == 0)
        {
            html.Append("<p class=\"empty\">No topology.</p>\n");
            return;
        }
        double width = layout.Values.Max(p => p.X) + BoxWidth / 2.0 + Margin;
        double height = layout.Values.Max(p => p.Y) + BoxHeight + Margin;
        html.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"topology\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0}\" height=\"{height:0}\" viewBox=\"0 0 {width:0} {height:0}\" role=\"img\" aria-label=\"PCI topology\">\n");

        foreach (var scope in topology.ResetScopes)
        {
            var boxes = scope.Members.Select(m => topology.NodeAt(m)).Where(n => n is not null && layout.ContainsKey(n.Id)).Select(n => layout[n!.Id]).ToList();
            if (boxes.Count == 0) continue;
            double x0 = boxes.Min(b => b.X) - BoxWidth / 2.0 - 6, x1 = boxes.Max(b => b.X) + BoxWidth / 2.0 + 6;
            double y0 = boxes.Min(b => b.Y) - 14, y1 = boxes.Max(b => b.Y) + BoxHeight + 6;
            string title = $"{scope.Method} of {scope.Trigger} resets {string.Join(", ", scope.Members)}";
            html.Append(CultureInfo.InvariantCulture,
                $"<g class=\"reset-scope\" data-scope=\"{Attr(scope.Id)}\"><title>{Text(title)}</title><rect x=\"{x0:0.#}\" y=\"{y0:0.#}\" width=\"{x1 - x0:0.#}\" height=\"{y1 - y0:0.#}\" rx=\"8\" fill=\"none\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>");
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{x0 + 4:0.#}\" y=\"{y0 + 10:0.#}\" class=\"scope-label\">{Text(scope.Method)} {Text(scope.Trigger.ToShortString())}</text></g>\n");
        }

        foreach (var node in topology.Nodes)
        {
            if (node.ParentId is null || !layout.TryGetValue(node.ParentId, out var parent) || !layout.TryGetValue(node.Id, out var child)) continue;
            double midY = (parent.Y + BoxHeight + child.Y) / 2;
            html.Append(CultureInfo.InvariantCulture,
                $"<path class=\"edge\" d=\"M{parent.X:0.#},{parent.Y + BoxHeight:0.#} V{midY:0.#} H{child.X:0.#} V{child.Y:0.#}\" fill=\"none\" stroke=\"#555\"/>\n");
        }

        foreach (var node in topology.Nodes)
        {
            if (!layout.TryGetValue(node.Id, out var p)) continue;
            string address = node.Address is { } a ? a.ToShortString() : node.Label;
            string name = node.Address is null ? "host bridge" : node.Label;
            string group = node.GroupId is { } g ? $"group {g}" : "no group";
            html.Append(CultureInfo.InvariantCulture,
                $"<g class=\"node {KindClass(node.Kind)}\" data-sbdf=\"{Attr(node.Address?.ToString() ?? "")}\" data-owner=\"{Attr(node.Owner)}\">");
            html.Append(CultureInfo.InvariantCulture,
                $"<title>{Text($"{node.Address?.ToString() ?? node.Label} {node.Kind}, {group}, owner {node.Owner}")}</title>");
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{p.X - BoxWidth / 2.0:0.#}\" y=\"{p.Y:0.#}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"4\" fill=\"{GroupPalette.For(node.GroupId)}\" stroke=\"#333\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{p.X:0.#}\" y=\"{p.Y + 14:0.#}\" class=\"addr\">{Text(address)}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{p.X:0.#}\" y=\"{p.Y + 28:0.#}\" class=\"name\">{Text(Shorten(name, 24))}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{p.X:0.#}\" y=\"{p.Y + 42:0.#}\" class=\"owner\">{Text(node.Owner)}</text></g>\n");
        }
        html.Append("</svg>\n");
    }

    /// <summary>
    /// A tidy tree: leaves take consecutive slots in depth-first order (children by address), and each
    /// parent sits centred over its first and last child. Returns each node's box top-centre.
    /// </summary>
    private static Dictionary<string, (double X, double Y)> Layout(TopologySnapshot topology)
    {
        var ids = topology.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var children = new Dictionary<string, List<TopologyNodeView>>(StringComparer.Ordinal);
        var roots = new List<TopologyNodeView>();
        foreach (var n in topology.Nodes)
        {
            if (n.ParentId is { } p && ids.Contains(p))
            {
                if (!children.TryGetValue(p, out var list)) children[p] = list = [];
                list.Add(n);
            }
            else
            {
                roots.Add(n);
            }
        }
        var positions = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        int nextSlot = 0;
        foreach (var root in roots) Place(root, 0);
        return positions;

        double Place(TopologyNodeView node, int depth)
        {
            double y = Margin + 12 + depth * LevelHeight;
            double x;
            if (!children.TryGetValue(node.Id, out var kids) || kids.Count == 0 || positions.ContainsKey(node.Id))
            {
                x = Margin + BoxWidth / 2.0 + nextSlot++ * SlotWidth;
            }
            else
            {
                positions[node.Id] = default; // marks the node as being placed, so a cycle cannot recurse forever
                var xs = kids.OrderBy(k => k.Address ?? default).ThenBy(k => k.Id, StringComparer.Ordinal).Select(k => Place(k, depth + 1)).ToList();
                x = (xs[0] + xs[^1]) / 2;
            }
            positions[node.Id] = (x, y);
            return x;
        }
    }

    private static string KindClass(TopologyNodeKind kind) => kind switch
    {
        TopologyNodeKind.HostBridge => "host-bridge",
        TopologyNodeKind.RootPort => "root-port",
        TopologyNodeKind.SwitchUpstreamPort => "switch-up",
        TopologyNodeKind.SwitchDownstreamPort => "switch-down",
        TopologyNodeKind.PciBridge => "pci-bridge",
        TopologyNodeKind.VirtualFunction => "vf",
        TopologyNodeKind.IntegratedEndpoint => "rciep",
        TopologyNodeKind.EventCollector => "rcec",
        TopologyNodeKind.LegacyEndpoint => "legacy",
        _ => "endpoint",
    };

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    internal static string Text(string s) => WebUtility.HtmlEncode(s);

    internal static string Attr(string s) => WebUtility.HtmlEncode(s);
}
