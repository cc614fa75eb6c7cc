namespace Bridgekeeper.TestSupport;

/// <summary>
/// Finds the real-world reference data (lspci dumps, HEST tables, CPER records, Linux groups) that the
/// project is checked against. It lives in <c>shared/reference</c> beside the checkout; CI lays it there
/// too. A missing folder is a test failure, never a skip: a test that silently skips proves nothing.
/// </summary>
public static class ReferenceData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Root { get; } = FindReferenceRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.EnumerateFiles(PathOf(folder), pattern, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridgekeeper.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Bridgekeeper.slnx not found above {AppContext.BaseDirectory}");
    }

    private static string FindReferenceRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("BRIDGEKEEPER_REFERENCE");
        if (!string.IsNullOrEmpty(fromEnv))
            return Directory.Exists(fromEnv) ? fromEnv : throw new DirectoryNotFoundException($"BRIDGEKEEPER_REFERENCE={fromEnv} does not exist");
        string beside = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference"));
        if (Directory.Exists(beside)) return beside;
        throw new DirectoryNotFoundException($"reference data not found at {beside}; set BRIDGEKEEPER_REFERENCE");
    }
}
