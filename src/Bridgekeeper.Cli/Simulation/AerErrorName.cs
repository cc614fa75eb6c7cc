using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// The error names a scenario may use: exactly those of QEMU's <c>pcie_aer_inject_error</c>, from the
/// simulator's one table (<see cref="AerErrorNames"/>), mapped to AER status bits (PCIe Base 6.0
/// §7.8.4.2 Uncorrectable, §7.8.4.5 Correctable Error Status).
/// </summary>
public static class AerErrorName
{
    /// <summary>The names in a stable order, for error messages and the schema doc.</summary>
    public static IEnumerable<string> Names => AerErrorNames.All.Keys.Order(StringComparer.Ordinal);

    public static bool TryLookup(string name, out uint bits, out bool correctable)
    {
        if (AerErrorNames.All.TryGetValue(name, out var entry))
        {
            bits = entry.Bit;
            correctable = entry.Correctable;
            return true;
        }
        bits = 0;
        correctable = false;
        return false;
    }

    /// <summary>The QEMU name of a single status bit, or <c>0x…</c> when several or unnamed bits are set.</summary>
    public static string NameOf(uint bits, bool correctable)
    {
        foreach (var (name, entry) in AerErrorNames.All)
        {
            if (entry.Bit == bits && entry.Correctable == correctable) return name;
        }
        return $"0x{bits:x8}";
    }
}
