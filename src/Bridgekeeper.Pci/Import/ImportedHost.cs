using System.Collections.Immutable;

namespace Bridgekeeper.Pci;

/// <summary>
/// The functions of one real host as imported (sorted by address), and warnings about the source
/// that did not stop the import (for example a capture length that is not 64, 256 or 4096 bytes).
/// </summary>
public sealed record ImportedHost(string Source, ImmutableArray<ImportedFunction> Functions, ImmutableArray<string> Warnings)
{
    public ImportedFunction? Find(Sbdf address)
    {
        int lo = 0, hi = Functions.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Functions[mid].Address.CompareTo(address);
            if (c == 0) return Functions[mid];
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return null;
    }
}
