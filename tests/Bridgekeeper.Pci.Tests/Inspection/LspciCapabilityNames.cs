using System.Globalization;

namespace Bridgekeeper.Pci.Tests.Inspection;

/// <summary>The capability names pciutils 3.9.0 prints (ls-caps.c, ls-ecaps.c), to tell the ID lspci saw.</summary>
internal static class LspciCapabilityNames
{
    private static readonly (string Prefix, int Id)[] Standard =
    [
        ("Power Management", 0x01), ("AGP", 0x02), ("Vital Product Data", 0x03), ("Slot ID", 0x04),
        ("MSI-X:", 0x11), ("MSI:", 0x05), ("CompactPCI hot-swap", 0x06), ("PCI-X", 0x07), ("HyperTransport", 0x08),
        ("Vendor Specific Information", 0x09), ("Debug port", 0x0A), ("CompactPCI central resource control", 0x0B),
        ("Hot-plug capable", 0x0C), ("Subsystem:", 0x0D), ("Secure device", 0x0F), ("Express", 0x10),
        ("SATA HBA", 0x12), ("PCI Advanced Features", 0x13), ("Enhanced Allocation", 0x14),
    ];

    private static readonly (string Prefix, int Id)[] Extended =
    [
        ("Null", 0x00), ("Advanced Error Reporting", 0x01), ("Device Serial Number", 0x03), ("Power Budgeting", 0x04),
        ("Root Complex Link", 0x05), ("Root Complex Internal Link Control", 0x06), ("Root Complex Event Collector", 0x07),
        ("Multi-Function Virtual Channel", 0x08), ("Root Bridge Control Block", 0x0A), ("Vendor Specific Information", 0x0B),
        ("Access Control Services", 0x0D), ("Alternative Routing-ID Interpretation", 0x0E), ("Address Translation Service", 0x0F),
        ("Single Root I/O Virtualization", 0x10), ("Multi-Root I/O Virtualization", 0x11), ("Multicast", 0x12),
        ("Page Request Interface", 0x13), ("Physical Resizable BAR", 0x15), ("Transaction Processing Hints", 0x17),
        ("Latency Tolerance Reporting", 0x18), ("Secondary PCI Express", 0x19), ("Process Address Space ID", 0x1B),
        ("Downstream Port Containment", 0x1D), ("L1 PM Substates", 0x1E), ("Precision Time Measurement", 0x1F),
        ("Readiness Time Reporting", 0x22), ("Designated Vendor-Specific", 0x23), ("VF Resizable BAR", 0x24),
        ("Data Link Feature", 0x25), ("Physical Layer 16.0 GT/s", 0x26), ("Lane Margining at the Receiver", 0x27),
        ("Data Object Exchange", 0x2E), ("Integrity & Data Encryption", 0x30),
    ];

    /// <summary>Whether lspci's text for a capability fits the ID Bridgekeeper found there.</summary>
    public static bool Matches(string text, int id, bool extended)
    {
        if (!extended && text.StartsWith('#'))
            return int.Parse(text.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == id;
        if (extended && text.StartsWith("Extended Capability ID 0x", StringComparison.Ordinal))
            return int.Parse(text.AsSpan(25).TrimEnd(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == id;
        if (extended && text.StartsWith("Virtual Channel", StringComparison.Ordinal))
            return id is 0x02 or 0x09;
        foreach (var (prefix, known) in extended ? Extended : Standard)
            if (text.StartsWith(prefix, StringComparison.Ordinal)) return known == id;
        return false;
    }
}
