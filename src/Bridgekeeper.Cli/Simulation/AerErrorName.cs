using System.Collections.Frozen;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// The error names QEMU's <c>pcie_aer_inject_error</c> accepts (hw/pci/pcie_aer.c), mapped to AER status
/// bits (PCIe Base 6.0 §7.8.4.2 Uncorrectable, §7.8.4.5 Correctable Error Status), so a scenario can
/// say <c>MALF_TLP</c> as a user of QEMU would.
/// </summary>
public static class AerErrorName
{
    private static readonly FrozenDictionary<string, (uint Bits, bool Correctable)> Table =
        new Dictionary<string, (uint, bool)>(StringComparer.OrdinalIgnoreCase)
        {
            ["DLP"] = (AerCapability.DataLinkProtocolError, false),
            ["SDN"] = (AerCapability.SurpriseDownError, false),
            ["POISON_TLP"] = (AerCapability.PoisonedTlpReceived, false),
            ["FCP"] = (AerCapability.FlowControlProtocolError, false),
            ["COMP_TIME"] = (AerCapability.CompletionTimeout, false),
            ["COMP_ABORT"] = (AerCapability.CompleterAbort, false),
            ["UNX_COMP"] = (AerCapability.UnexpectedCompletion, false),
            ["RX_OVERFLOW"] = (AerCapability.ReceiverOverflow, false),
            ["MALF_TLP"] = (AerCapability.MalformedTlp, false),
            ["ECRC"] = (AerCapability.EcrcError, false),
            ["UNSUP"] = (AerCapability.UnsupportedRequest, false),
            ["ACSVIOL"] = (AerCapability.AcsViolation, false),
            ["UCIE"] = (AerCapability.UncorrectableInternalError, false),
            ["MCBTLP"] = (AerCapability.McBlockedTlp, false),
            ["ATOP_EBLOCKED"] = (AerCapability.AtomicOpEgressBlocked, false),
            ["TLP_PRF_BLOCKED"] = (AerCapability.TlpPrefixBlocked, false),
            ["RCVR"] = (AerCapability.ReceiverError, true),
            ["BAD_TLP"] = (AerCapability.BadTlp, true),
            ["BAD_DLLP"] = (AerCapability.BadDllp, true),
            ["REP_ROLL"] = (AerCapability.ReplayNumRollover, true),
            ["REP_TIMER"] = (AerCapability.ReplayTimerTimeout, true),
            ["ADV_NONFATAL"] = (AerCapability.AdvisoryNonFatal, true),
            ["INTERNAL"] = (AerCapability.CorrectedInternalError, true),
            ["HL_OVERFLOW"] = (AerCapability.HeaderLogOverflow, true),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names in a stable order, for error messages and the schema doc.</summary>
    public static IEnumerable<string> Names => Table.Keys.Order(StringComparer.Ordinal);

    public static bool TryLookup(string name, out uint bits, out bool correctable)
    {
        if (Table.TryGetValue(name, out var entry))
        {
            bits = entry.Bits;
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
        foreach (var (name, entry) in Table)
        {
            if (entry.Bits == bits && entry.Correctable == correctable) return name;
        }
        return $"0x{bits:x8}";
    }
}
