using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>
/// Whether a function provides effective ACS isolation: Linux's <c>pci_acs_enabled()</c>
/// (drivers/pci/pci.c) with its quirk table (<see cref="AcsQuirkTable"/>) and
/// <c>pci_acs_flags_enabled()</c>, over the config bytes of a <see cref="TopologyNode"/>.
/// </summary>
public static class AcsIsolation
{
    /// <summary>SV | RR | CR | UF: Linux's <c>REQ_ACS_FLAGS</c> (drivers/iommu/iommu.c).</summary>
    public const ushort RequiredFlags = AcsCapability.IsolationFlags;

    private const ushort Sv = AcsCapability.SourceValidation;
    private const ushort Tb = AcsCapability.TranslationBlocking;
    private const ushort Rr = AcsCapability.RequestRedirect;
    private const ushort Cr = AcsCapability.CompletionRedirect;
    private const ushort Uf = AcsCapability.UpstreamForwarding;
    private const ushort Ec = AcsCapability.EgressControl;
    private const ushort Dt = AcsCapability.DirectTranslatedP2P;

    // Plain collections, not frozen ones: building a frozen dictionary costs more at start-up than all the
    // lookups of a long campaign, and the vendor array below keeps almost every function from looking at all.
    private static readonly Dictionary<ushort, AcsQuirk[]> RowsByVendor = GroupByVendor();

    /// <summary>The table's rows by vendor, each vendor's in table order (the first answering row decides).</summary>
    private static Dictionary<ushort, AcsQuirk[]> GroupByVendor()
    {
        var lists = new Dictionary<ushort, List<AcsQuirk>>();
        foreach (var row in AcsQuirkTable.Rows)
        {
            if (!lists.TryGetValue(row.Vendor, out var list)) lists[row.Vendor] = list = [];
            list.Add(row);
        }
        var byVendor = new Dictionary<ushort, AcsQuirk[]>(lists.Count);
        foreach (var (vendor, list) in lists) byVendor[vendor] = [.. list];
        return byVendor;
    }

    // Vendors with any quirk row, as one array read: most functions' vendor has none, and every function
    // of a segment is asked (pci_acs_enabled runs per function at probe).
    private static readonly bool[] QuirkVendors = VendorsWithRows();

    private static bool[] VendorsWithRows()
    {
        var vendors = new bool[ushort.MaxValue + 1];
        foreach (var row in AcsQuirkTable.Rows) vendors[row.Vendor] = true;
        return vendors;
    }

    // Intel PCH root ports without an ACS capability (Red Hat bugzilla 1037684, as listed in quirks.c).
    private static readonly HashSet<ushort> IntelPchRootPorts =
    [
        0x3b42, 0x3b43, 0x3b44, 0x3b45, 0x3b46, 0x3b47, 0x3b48, 0x3b49, 0x3b4a, 0x3b4b, 0x3b4c, 0x3b4d, 0x3b4e, 0x3b4f, 0x3b50, 0x3b51,
        0x1c10, 0x1c11, 0x1c12, 0x1c13, 0x1c14, 0x1c15, 0x1c16, 0x1c17, 0x1c18, 0x1c19, 0x1c1a, 0x1c1b, 0x1c1c, 0x1c1d, 0x1c1e, 0x1c1f,
        0x1e10, 0x1e11, 0x1e12, 0x1e13, 0x1e14, 0x1e15, 0x1e16, 0x1e17, 0x1e18, 0x1e19, 0x1e1a, 0x1e1b, 0x1e1c, 0x1e1d, 0x1e1e, 0x1e1f,
        0x8c10, 0x8c11, 0x8c12, 0x8c13, 0x8c14, 0x8c15, 0x8c16, 0x8c17, 0x8c18, 0x8c19, 0x8c1a, 0x8c1b, 0x8c1c, 0x8c1d, 0x8c1e, 0x8c1f,
        0x9c10, 0x9c11, 0x9c12, 0x9c13, 0x9c14, 0x9c15, 0x9c16, 0x9c17, 0x9c18, 0x9c19, 0x9c1a, 0x9c1b,
        0x9c90, 0x9c91, 0x9c92, 0x9c93, 0x9c94, 0x9c95, 0x9c96, 0x9c97, 0x9c98, 0x9c99, 0x9c9a, 0x9c9b,
        0x1d10, 0x1d12, 0x1d14, 0x1d16, 0x1d18, 0x1d1a, 0x1d1c, 0x1d1e,
        0x8d10, 0x8d11, 0x8d12, 0x8d13, 0x8d14, 0x8d15, 0x8d16, 0x8d17, 0x8d18, 0x8d19, 0x8d1a, 0x8d1b, 0x8d1c, 0x8d1d, 0x8d1e,
        0x8c90, 0x8c92, 0x8c94, 0x8c96, 0x8c98, 0x8c9a, 0x8c9c, 0x8c9e,
    ];

    /// <summary>Linux's <c>pci_acs_enabled(pdev, flags)</c>.</summary>
    public static bool Enabled(TopologyNode node, ushort flags = RequiredFlags)
    {
        int quirk = QuirkAnswer(node, flags, out _);
        if (quirk >= 0) return quirk > 0;
        // Conventional PCI and PCI-X never isolate: any device on a shared bus can see DMA.
        if (!node.IsPcie) return false;
        switch (node.PortType)
        {
            case PciePortType.PciToPcieBridge or PciePortType.PcieToPciBridge or PciePortType.RCEC:
                return false;
            case PciePortType.DownstreamPort or PciePortType.RootPort:
                return FlagsEnabled(node, flags);
            case PciePortType.Endpoint or PciePortType.UpstreamPort or PciePortType.LegacyEndpoint or PciePortType.RCiEP:
                if (node.IsMultiFunction) return FlagsEnabled(node, flags);
                break;
        }
        // A single-function device is taken to be unable to do peer-to-peer with itself.
        return true;
    }

    /// <summary>
    /// Linux's <c>pci_acs_flags_enabled()</c>: a control the function does not implement counts as hardwired
    /// on (PCIe Base 6.0 §6.12.1.1), except Egress Control; the rest must be set in ACS Control.
    /// </summary>
    public static bool FlagsEnabled(TopologyNode node, ushort flags) => node.Facts.AcsOffset != 0 && MissingControls(node, flags) == 0;

    /// <summary>The requested controls that are implemented but not enabled (all of them when there is no ACS capability).</summary>
    public static ushort MissingControls(TopologyNode node, ushort flags = RequiredFlags)
    {
        if (node.Facts.AcsOffset == 0) return flags;
        flags &= (ushort)(EffectiveCapability(node) | Ec);
        return (ushort)(flags & ~node.Facts.AcsControl);
    }

    /// <summary>
    /// The ACS Capability register as Linux caches it: IDT switches 0x80b5 and 0x8090 lose SV
    /// (<c>pci_disable_broken_acs_cap</c>) because they drop completions to devices whose bus number is not latched yet.
    /// </summary>
    public static ushort EffectiveCapability(TopologyNode node)
    {
        ushort cap = node.Facts.AcsCapability;
        if (node.Facts.VendorId == 0x111d && node.Facts.DeviceId is 0x80b5 or 0x8090) cap &= unchecked((ushort)~Sv);
        return cap;
    }

    /// <summary>
    /// Linux's <c>pci_dev_specific_acs_enabled()</c>: -1 when no quirk has an opinion, else 0 or 1, with the
    /// family that answered.
    /// </summary>
    public static int QuirkAnswer(TopologyNode node, ushort flags, out AcsQuirkFamily? family)
    {
        family = null;
        if (!QuirkVendors[node.Facts.VendorId] || !RowsByVendor.TryGetValue(node.Facts.VendorId, out var rows)) return -1;
        foreach (var row in rows)
        {
            if (row.Device is { } d && d != node.Facts.DeviceId) continue;
            int answer = Answer(row.Family, node, flags);
            if (answer >= 0) { family = row.Family; return answer; }
        }
        return -1;
    }

    private static int Answer(AcsQuirkFamily family, TopologyNode node, ushort flags)
    {
        var type = node.IsPcie ? node.PortType : null;
        ushort device = node.Facts.DeviceId;
        switch (family)
        {
            case AcsQuirkFamily.AmdSouthbridge:
                return -1; // needs the AMD IOMMU's IVRS table (x86 only)
            case AcsQuirkFamily.MultiFunctionEndpoint:
                return Ctrl(flags, Sv | Tb | Rr | Cr | Uf | Dt);
            case AcsQuirkFamily.IntelRootComplexEndpoint:
                return type == PciePortType.RCiEP ? Ctrl(flags, Sv | Rr | Cr | Uf) : -1;
            case AcsQuirkFamily.IntelPchRootPort:
                // The enable quirk (RCBA peer-decode disable) is what a hardware domain that requests ACS runs first.
                return type == PciePortType.RootPort && IntelPchRootPorts.Contains(device) ? Ctrl(flags, Sv | Rr | Cr | Uf) : -1;
            case AcsQuirkFamily.IntelSptRootPort:
            {
                bool match = type == PciePortType.RootPort && device is (>= 0xa110 and <= 0xa11f) or (>= 0xa167 and <= 0xa16a)
                    or (>= 0xa290 and <= 0xa29f) or (>= 0xa2e7 and <= 0xa2ee) or (>= 0x9d10 and <= 0x9d1b);
                int pos = node.Facts.AcsOffset;
                if (!match || pos == 0) return -1;
                var config = node.Config.Bytes;
                uint cap = ConfigBytes.U32(config, pos + 4);
                uint ctrl = ConfigBytes.U32(config, pos + 8); // 32-bit control at +8 (errata: not +6)
                ushort wanted = (ushort)(flags & (cap | Ec));
                return Ctrl(wanted, (ushort)ctrl);
            }
            case AcsQuirkFamily.RootPortWithoutAcs:
                return Ctrl(flags, Sv | Rr | Cr | Uf);
            case AcsQuirkFamily.CaviumRootPort:
                return type == PciePortType.RootPort && device is (>= 0xa000 and <= 0xa7ff) or 0xaf84 or 0xb884 ? Ctrl(flags, Sv | Rr | Cr | Uf) : -1;
            case AcsQuirkFamily.AnnapurnaRootPort:
                return type == PciePortType.RootPort ? ((flags & ~(Sv | Rr | Cr | Uf)) != 0 ? 0 : 1) : -1;
            case AcsQuirkFamily.ZhaoxinPort:
                if (type is not (PciePortType.RootPort or PciePortType.DownstreamPort)) return -1;
                return device is (>= 0x0710 and <= 0x071e) or 0x0721 or (>= 0x0723 and <= 0x0752) ? Ctrl(flags, Sv | Rr | Cr | Uf) : 0;
            case AcsQuirkFamily.WangxunNic:
                return device is (>= 0x0100 and <= 0x010f) or 0x1001 or 0x2001 or 0x5010 or 0x5025 or 0x5040 or 0x5110 or 0x5125 or 0x5140
                    ? Ctrl(flags, Sv | Rr | Cr | Uf) : 0;
            default:
                return -1;
        }
    }

    // Linux's pci_acs_ctrl_enabled(): every requested control is among those the quirk vouches for.
    private static int Ctrl(ushort requested, int vouched) => (requested & vouched) == requested ? 1 : 0;

    /// <summary>Names of ACS controls, for reasons ("Request Redirect and Upstream Forwarding").</summary>
    public static string Describe(ushort controls)
    {
        var names = new List<string>(4);
        if ((controls & Sv) != 0) names.Add("Source Validation");
        if ((controls & Tb) != 0) names.Add("Translation Blocking");
        if ((controls & Rr) != 0) names.Add("Request Redirect");
        if ((controls & Cr) != 0) names.Add("Completion Redirect");
        if ((controls & Uf) != 0) names.Add("Upstream Forwarding");
        if ((controls & Ec) != 0) names.Add("Egress Control");
        if ((controls & Dt) != 0) names.Add("Direct Translated P2P");
        return names.Count switch { 0 => "nothing", 1 => names[0], _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1] };
    }
}
