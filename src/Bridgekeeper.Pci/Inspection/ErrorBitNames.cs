namespace Bridgekeeper.Pci;

/// <summary>
/// Names of the AER error bits (PCIe Base 6.0 §7.8.4.2 and §7.8.4.5) in lspci's short spelling, one
/// row per bit, for display of status, mask and severity registers.
/// </summary>
public static class ErrorBitNames
{
    public static IReadOnlyList<(int Bit, string Name)> Uncorrectable { get; } =
    [
        (4, "DLP"), (5, "SDES"), (12, "TLP"), (13, "FCP"), (14, "CmpltTO"), (15, "CmpltAbrt"),
        (16, "UnxCmplt"), (17, "RxOF"), (18, "MalfTLP"), (19, "ECRC"), (20, "UnsupReq"), (21, "ACSViol"),
        (22, "UncorrIntErr"), (23, "BlockedTLP"), (24, "AtomicOpBlocked"), (25, "TLPBlockedErr"), (26, "PoisonTLPBlocked"),
    ];

    public static IReadOnlyList<(int Bit, string Name)> Correctable { get; } =
    [
        (0, "RxErr"), (6, "BadTLP"), (7, "BadDLLP"), (8, "Rollover"), (12, "Timeout"), (13, "AdvNonFatalErr"),
        (14, "CorrIntErr"), (15, "HeaderOF"),
    ];

    /// <summary>The names of the set bits, space separated ("-" when none is set).</summary>
    public static string SetBits(uint value, IReadOnlyList<(int Bit, string Name)> table)
    {
        var names = new List<string>();
        foreach (var (bit, name) in table)
            if ((value & (1u << bit)) != 0) names.Add(name);
        return names.Count == 0 ? "-" : string.Join(' ', names);
    }
}
