using System.Text.Json;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Hypervisor.Tests.Support;

/// <summary>
/// The QEMU/Linux reference topologies (shared/reference/linux-groups): every phase's functions, read from
/// its sysfs tree (config files and physfn links) or, for phases captured without one, from the raw
/// config dumps and devices-PHASE.json; and the kernel's own groups. A minimal reader for these tests only.
/// </summary>
internal static class ReferenceTopologies
{
    public static IEnumerable<object[]> Phases()
    {
        foreach (var dir in Directory.EnumerateDirectories(ReferenceData.PathOf("linux-groups")).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "groups-*.json").Order(StringComparer.Ordinal))
            {
                string phase = Path.GetFileNameWithoutExtension(file)["groups-".Length..];
                yield return [Path.GetFileName(dir), phase];
            }
        }
    }

    public static List<FunctionConfig> Load(string topology, string phase)
    {
        string dir = ReferenceData.PathOf("linux-groups", topology);
        string sysfs = Path.Combine(dir, $"sysfs-{phase}");
        return Directory.Exists(sysfs) ? LoadSysfs(sysfs) : LoadDumps(dir, phase);
    }

    private static List<FunctionConfig> LoadSysfs(string root)
    {
        string links = Path.Combine(root, "bus", "pci", "devices");
        var result = new List<FunctionConfig>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(links).Order(StringComparer.Ordinal))
        {
            // The tree stores each link as a file holding its target.
            string target = File.ReadAllText(entry).Trim();
            string device = Path.GetFullPath(Path.Combine(links, target));
            var address = Sbdf.Parse(Path.GetFileName(entry));
            string physfn = Path.Combine(device, "physfn");
            Sbdf? pf = File.Exists(physfn) ? Sbdf.Parse(Path.GetFileName(File.ReadAllText(physfn).Trim())) : null;
            result.Add(new FunctionConfig(address, ConfigSpace.FromContent(File.ReadAllBytes(Path.Combine(device, "config"))), pf, ParentIn(device)));
        }
        return result;
    }

    private static List<FunctionConfig> LoadDumps(string dir, string phase)
    {
        using var devices = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, $"devices-{phase}.json")));
        var result = new List<FunctionConfig>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dir, "config", phase), "*.bin").Order(StringComparer.Ordinal))
        {
            // 0000_01_00.0.bin
            string name = Path.GetFileNameWithoutExtension(file).Replace('_', ':');
            var address = Sbdf.Parse(name);
            bool known = devices.RootElement.TryGetProperty(address.ToString(), out var d);
            Sbdf? pf = known && d.TryGetProperty("physfn", out var p) ? Sbdf.Parse(p.GetString()!) : null;
            Sbdf? parent = known && d.TryGetProperty("syspath", out var s) ? ParentIn(s.GetString()!) : null;
            result.Add(new FunctionConfig(address, ConfigSpace.FromContent(File.ReadAllBytes(file)), pf, parent));
        }
        return result;
    }

    /// <summary>The bridge a sysfs device path puts the function under (the parent directory, when it is a PCI address).</summary>
    private static Sbdf? ParentIn(string devicePath)
    {
        string? parent = Path.GetFileName(Path.GetDirectoryName(devicePath.TrimEnd('/')));
        return parent is not null && Sbdf.TryParse(parent, out var a) ? a : null;
    }

    /// <summary>The kernel's partition: group number to members (addresses), only devices the kernel grouped.</summary>
    public static Dictionary<string, List<Sbdf>> KernelGroups(string topology, string phase)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("linux-groups", topology, $"groups-{phase}.json")));
        var groups = new Dictionary<string, List<Sbdf>>();
        foreach (var p in doc.RootElement.GetProperty("device_group").EnumerateObject())
        {
            string g = p.Value.ToString();
            if (!groups.TryGetValue(g, out var l)) groups[g] = l = [];
            l.Add(Sbdf.Parse(p.Name));
        }
        return groups;
    }

    /// <summary>A partition as a canonical, comparable text: one sorted line per group, lines sorted.</summary>
    public static string Canonical(IEnumerable<IEnumerable<Sbdf>> groups) =>
        string.Join("\n", groups.Select(g => string.Join(" ", g.Order())).Where(l => l.Length > 0).Order(StringComparer.Ordinal));
}
