using System.Collections.Frozen;
using System.Globalization;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// The error names QEMU's <c>pcie_aer_inject_error</c> monitor command accepts (the Linux
/// aer-inject tool's names), each an AER status bit (PCIe Base 6.0 §7.8.4.2, §7.8.4.5), and the
/// parser for a name or a numeric bit value as QEMU parses it (strtoul base 0).
/// </summary>
public static class AerErrorNames
{
    public static FrozenDictionary<string, (uint Bit, bool Correctable)> All { get; } = new Dictionary<string, (uint, bool)>
    {
        ["TRAIN"] = (1u << 0, false),
        ["DLP"] = (AerCapability.DataLinkProtocolError, false),
        ["SDN"] = (AerCapability.SurpriseDownError, false),
        ["POISON_TLP"] = (AerCapability.PoisonedTlpReceived, false),
        ["FCP"] = (AerCapability.FlowControlProtocolError, false),
        ["COMP_TIME"] = (AerCapability.CompletionTimeout, false),
        ["COMP_ABORT"] = (AerCapability.CompleterAbort, false),
        ["UNX_COMP"] = (AerCapability.UnexpectedCompletion, false),
        ["RX_OVER"] = (AerCapability.ReceiverOverflow, false),
        ["MALF_TLP"] = (AerCapability.MalformedTlp, false),
        ["ECRC"] = (AerCapability.EcrcError, false),
        ["UNSUP"] = (AerCapability.UnsupportedRequest, false),
        ["ACSV"] = (AerCapability.AcsViolation, false),
        ["INTN"] = (AerCapability.UncorrectableInternalError, false),
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
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// A name gives its bit and class; otherwise the text must be a number (0x.., 0.. octal or
    /// decimal) and <paramref name="correctableFlag"/> decides the class, as in QEMU.
    /// </summary>
    public static bool TryParse(string text, bool correctableFlag, out uint bit, out bool correctable)
    {
        if (All.TryGetValue(text, out var e)) { bit = e.Bit; correctable = e.Correctable; return true; }
        correctable = correctableFlag;
        bit = 0;
        string t = text.Trim();
        if (t.Length == 0) return false;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return uint.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bit);
        if (t.Length > 1 && t[0] == '0')
        {
            try { bit = Convert.ToUInt32(t, 8); return true; } catch (FormatException) { return false; } catch (OverflowException) { return false; }
        }
        return uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out bit);
    }
}
