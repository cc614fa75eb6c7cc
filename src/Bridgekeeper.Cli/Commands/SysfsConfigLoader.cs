using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// Interim reader of a sysfs tree's config files for <c>inject</c>, until the shared
/// <c>Bridgekeeper.Pci</c> SysfsReader (pci helper) is merged: each entry of bus/pci/devices (a
/// symlink, or a file holding the link text as in the reference captures) names a device directory
/// whose <c>config</c> file is the function's config space; <c>physfn</c> names a VF's PF.
/// </summary>
internal static class SysfsConfigLoader
{
    public static IReadOnlyList<ClonedFunction> Load(string root)
    {
        string devices = Path.Combine(root, "bus", "pci", "devices");
        if (!Directory.Exists(devices)) throw new DirectoryNotFoundException($"{root}: no bus/pci/devices directory (is this a sysfs root?)");
        var result = new List<ClonedFunction>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(devices).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (!Sbdf.TryParse(name, out var sbdf)) continue;
            string dir = Resolve(devices, entry);
            string config = Path.Combine(dir, "config");
            var bytes = File.ReadAllBytes(config);
            if (bytes.Length is not (ConfigSpace.ConventionalSize or ConfigSpace.ExtendedSize) && bytes.Length != 64)
                throw new InvalidDataException($"{config}: {bytes.Length} bytes; a config file is 64, 256 or 4096 bytes");
            if (bytes.Length == 64) Array.Resize(ref bytes, ConfigSpace.ConventionalSize);
            Sbdf? pf = null;
            string physfn = Path.Combine(dir, "physfn");
            if (File.Exists(physfn) || Directory.Exists(physfn))
            {
                string target = new FileInfo(physfn).LinkTarget ?? File.ReadAllText(physfn).Trim();
                if (Sbdf.TryParse(Path.GetFileName(target.TrimEnd('/')), out var p)) pf = p;
            }
            result.Add(new ClonedFunction(sbdf, ConfigSpace.FromContent(bytes), pf));
        }
        if (result.Count == 0) throw new InvalidDataException($"{devices}: no PCI functions");
        return result;
    }

    private static string Resolve(string devices, string entry)
    {
        var info = new FileInfo(entry);
        if (info.LinkTarget is { } link) return Path.GetFullPath(Path.Combine(devices, link));
        if (Directory.Exists(entry)) return entry;
        return Path.GetFullPath(Path.Combine(devices, File.ReadAllText(entry).Trim()));
    }
}
