using System.Collections.Immutable;
using System.Text;

namespace Bridgekeeper.Pci;

/// <summary>
/// Imports a Linux sysfs tree: every <c>bus/pci/devices/&lt;address&gt;</c> entry under a root (a real
/// <c>/sys</c> or a copy of one), its <c>config</c> file, and the <c>physfn</c>, <c>iommu_group</c> and
/// <c>driver</c> links where present. Copies made without symlink support keep each link as a small
/// file holding the link's target text; both forms are read. Unprivileged reads of a real
/// <c>config</c> return only 64 bytes; such functions are imported as 64-byte captures with a warning.
/// </summary>
public static class SysfsReader
{
    public static ImportedHost Read(string root)
    {
        string devices = Path.Combine(root, "bus", "pci", "devices");
        if (!Directory.Exists(devices))
            throw new SysfsFormatException(devices, "bus/pci/devices", "directory not found; give a /sys or a copy of one");
        var functions = new List<ImportedFunction>();
        var warnings = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(devices))
        {
            string name = Path.GetFileName(entry);
            if (!Sbdf.TryParse(name, out var address, out string? why))
                throw new SysfsFormatException(entry, "device name", $"'{name}' is not a PCI address: {why}");
            string dir = ResolveDevice(entry);
            functions.Add(ReadFunction(address, dir, warnings));
        }
        functions.Sort((a, b) => a.Address.CompareTo(b.Address));
        return new ImportedHost(root, [.. functions], [.. warnings]);
    }

    private static ImportedFunction ReadFunction(Sbdf address, string dir, List<string> warnings)
    {
        string configPath = Path.Combine(dir, "config");
        if (!File.Exists(configPath))
            throw new SysfsFormatException(configPath, "config", "missing");
        byte[] raw = File.ReadAllBytes(configPath);
        if (raw.Length == 0 || raw.Length > ConfigSpace.ExtendedSize)
            throw new SysfsFormatException(configPath, "config", $"{raw.Length} bytes; a config space is 1 to 4096 bytes");
        int size = raw.Length <= 64 ? 64 : raw.Length <= ConfigSpace.ConventionalSize ? ConfigSpace.ConventionalSize : ConfigSpace.ExtendedSize;
        if (raw.Length == 64)
            warnings.Add($"{address}: config gives only 64 bytes (unprivileged read?); capabilities are not visible");
        else if (raw.Length != size)
            warnings.Add($"{address}: config gives {raw.Length} bytes; bytes from 0x{raw.Length:x} read as 0xff");
        byte[] bytes = raw;
        if (raw.Length != size)
        {
            bytes = new byte[size];
            bytes.AsSpan().Fill(0xFF);
            raw.CopyTo(bytes, 0);
        }
        Sbdf? physfn = null;
        if (LinkTarget(Path.Combine(dir, "physfn")) is { } pf)
        {
            string pfName = Path.GetFileName(pf.TrimEnd('/'));
            physfn = Sbdf.TryParse(pfName, out var pfAddress, out string? why)
                ? pfAddress
                : throw new SysfsFormatException(Path.Combine(dir, "physfn"), "physfn", $"link target '{pf}' is not a PCI address: {why}");
        }
        return new ImportedFunction(address, ConfigSpace.AdoptContent(bytes))
        {
            CapturedLength = raw.Length,
            PhysicalFunction = physfn,
            IommuGroup = LinkTarget(Path.Combine(dir, "iommu_group")) is { } g ? Path.GetFileName(g.TrimEnd('/')) : null,
            Driver = LinkTarget(Path.Combine(dir, "driver")) is { } d ? Path.GetFileName(d.TrimEnd('/')) : null,
            SysfsDirectory = dir,
        };
    }

    private static string ResolveDevice(string entry)
    {
        if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
            return entry;
        string? target = LinkTarget(entry) ?? throw new SysfsFormatException(entry, "device link", "neither a directory nor a link");
        string dir = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(entry)!, target));
        return Directory.Exists(dir) ? dir : throw new SysfsFormatException(entry, "device link", $"target '{target}' does not exist");
    }

    /// <summary>A symlink's target, or the text of a file standing in for one; null when absent.</summary>
    private static string? LinkTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target) return target;
        if (Directory.Exists(path)) return path;
        if (!info.Exists) return null;
        if (info.Length is 0 or > 4096)
            throw new SysfsFormatException(path, Path.GetFileName(path), "expected a link or a file holding a link's target");
        return Encoding.UTF8.GetString(File.ReadAllBytes(path)).Trim();
    }
}
