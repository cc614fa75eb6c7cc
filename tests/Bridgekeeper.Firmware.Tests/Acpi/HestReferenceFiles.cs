using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>Every HEST binary under shared/reference/hest (template, crafted, crafted/edge, real/*).</summary>
public static class HestReferenceFiles
{
    public static IEnumerable<string> All()
    {
        string root = ReferenceData.PathOf("hest");
        var files = Directory.EnumerateFiles(root, "*.bin", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
        if (files.Count < 30) throw new InvalidOperationException($"expected the full HEST reference set under {root}, found {files.Count} tables");
        return files;
    }

    public static TheoryData<string> AllTables() => new(All());

    public static TheoryData<string> WithDisassembly() => new(All().Where(f => File.Exists(DslPath(f, ".dsl"))));

    public static string PathOf(string relative) => ReferenceData.PathOf("hest", relative);

    /// <summary>NAME.bin -> NAME.dsl (iasl 20200925) or NAME.iasl-20260408.dsl.</summary>
    public static string DslPath(string relative, string suffix) =>
        Path.ChangeExtension(PathOf(relative), null) + suffix;
}
