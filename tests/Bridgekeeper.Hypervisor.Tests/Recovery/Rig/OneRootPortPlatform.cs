namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>A platform file with one root port (Gen4, link trained in 20 ms) and one device below it, for recovery timing tests.</summary>
public static class OneRootPortPlatform
{
    /// <param name="rootPortOptions">Extra root-port keys, e.g. <c>drs: true</c>, one per line.</param>
    /// <param name="device">The child as a flow mapping, e.g. <c>{ name: ssd, model: samsung-pm9a3, at: "00.0" }</c>.</param>
    public static string Yaml(string name, IEnumerable<string> rootPortOptions, string device)
    {
        var lines = new List<string>
        {
            $"name: {name}",
            "host_bridges:",
            "  - name: pcie0",
            "    segment: 0",
            "    ecam: 0x40000000",
            "    bus_range: [0, 15]",
            "    mmio32: { base: 0x50000000, size: 0x10000000 }",
            "    mmio64: { base: 0x4000000000, size: 0x100000000 }",
            "    device_id_base: 0x20000",
            "    devices:",
            "      - name: rp",
            "        model: ampere-altra-root-port",
            "        at: \"01.0\"",
            "        link_training_ms: 20",
        };
        foreach (var option in rootPortOptions) lines.Add("        " + option);
        lines.Add("        children:");
        lines.Add("          - " + device);
        return string.Join("\n", lines) + "\n";
    }
}
