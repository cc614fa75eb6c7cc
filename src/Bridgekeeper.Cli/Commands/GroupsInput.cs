using System.Globalization;
using System.Text.RegularExpressions;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// Reads the functions <c>groups</c> works on: a sysfs tree (<c>bus/pci/devices/*/config</c> and
/// <c>physfn</c> links; the parent directory of each device is kept as a hint for functions whose bus
/// numbers a reset cleared) or an lspci <c>-xxx</c>/<c>-xxxx</c> dump (VFs are recognised from their PF's
/// SR-IOV capability). TODO(issue 5): switch to the shared <c>SysfsReader</c>/<c>LspciDumpReader</c> once
/// the pci branch is in main.
/// </summary>
internal static partial class GroupsInput
{
    public static List<FunctionConfig> FromSysfs(string root)
    {
        string links = Path.Combine(root, "bus", "pci", "devices");
        if (!Directory.Exists(links)) throw new DirectoryNotFoundException($"{links} does not exist (expected a sysfs tree with bus/pci/devices)");
        var result = new List<FunctionConfig>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(links).Order(StringComparer.Ordinal))
        {
            if (!Sbdf.TryParse(Path.GetFileName(entry), out var address))
                throw new GroupsInputException(entry, 0, "device name", "is not a PCI address");
            string device = ResolveLink(links, entry);
            string config = Path.Combine(device, "config");
            if (!File.Exists(config)) throw new GroupsInputException(config, 0, "config", "missing");
            string physfn = Path.Combine(device, "physfn");
            Sbdf? pf = File.Exists(physfn) || Directory.Exists(physfn) ? Sbdf.Parse(Path.GetFileName(ResolveLink(device, physfn))) : null;
            string? parent = Path.GetFileName(Path.GetDirectoryName(device));
            Sbdf? hint = parent is not null && Sbdf.TryParse(parent, out var p) ? p : null;
            result.Add(new FunctionConfig(address, ConfigSpace.FromContent(File.ReadAllBytes(config)), pf, hint));
        }
        return result;
    }

    // A real sysfs has symbolic links; a copied tree may hold each link's target as text.
    private static string ResolveLink(string dir, string entry)
    {
        var info = new FileInfo(entry);
        string target = info.LinkTarget ?? new DirectoryInfo(entry).LinkTarget ?? (File.Exists(entry) ? File.ReadAllText(entry).Trim() : entry);
        return Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(dir, target));
    }

    public static List<FunctionConfig> FromLspci(string file)
    {
        var result = new List<FunctionConfig>();
        Sbdf? current = null;
        byte[]? bytes = null;
        int max = 0;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file))
        {
            lineNumber++;
            var head = FunctionLine().Match(line);
            if (head.Success)
            {
                Flush();
                current = Sbdf.Parse(head.Groups[1].Value);
                bytes = new byte[ConfigSpace.ExtendedSize];
                max = 0;
                continue;
            }
            var hex = HexLine().Match(line);
            if (!hex.Success || bytes is null) continue;
            int offset = int.Parse(hex.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            string[] values = hex.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (offset + values.Length > bytes.Length) throw new GroupsInputException(file, lineNumber, "offset", $"0x{offset:x} lies beyond 4096 bytes");
            for (int i = 0; i < values.Length; i++)
            {
                if (!byte.TryParse(values[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
                    throw new GroupsInputException(file, lineNumber, $"byte {offset + i:x3}", $"'{values[i]}' is not a hex byte");
                bytes[offset + i] = b;
            }
            max = Math.Max(max, offset + values.Length);
        }
        Flush();
        if (result.Count == 0) throw new GroupsInputException(file, lineNumber, "functions", "no function with a hex dump (use lspci -xxx or -xxxx)");
        return result;

        void Flush()
        {
            if (current is null || bytes is null || max == 0) return;
            int size = max > ConfigSpace.ConventionalSize ? ConfigSpace.ExtendedSize : ConfigSpace.ConventionalSize;
            result.Add(new FunctionConfig(current.Value, ConfigSpace.FromContent(bytes.AsSpan(0, size))));
        }
    }

    [GeneratedRegex(@"^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s")]
    private static partial Regex FunctionLine();

    [GeneratedRegex(@"^([0-9a-fA-F]{2,3}):((?: [0-9a-fA-F]{2}){1,16})\s*$")]
    private static partial Regex HexLine();
}
