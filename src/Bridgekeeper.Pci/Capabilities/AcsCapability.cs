namespace Bridgekeeper.Pci;

/// <summary>
/// Access Control Services Extended Capability (ID 0x000D, PCIe Base 6.0 §7.7.11). The control bits
/// are writable only where the matching capability bit is set (§7.7.11.3: "hardwired to 0" otherwise),
/// so the layout is derived from the capability register.
/// </summary>
public static class AcsCapability
{
    public const int CapabilityRegister = 0x04;
    public const int ControlRegister = 0x06;
    public const int EgressControlVector = 0x08;

    /// <summary>ACS Source Validation.</summary>
    public const ushort SourceValidation = 1 << 0;
    /// <summary>ACS Translation Blocking.</summary>
    public const ushort TranslationBlocking = 1 << 1;
    /// <summary>ACS P2P Request Redirect.</summary>
    public const ushort RequestRedirect = 1 << 2;
    /// <summary>ACS P2P Completion Redirect.</summary>
    public const ushort CompletionRedirect = 1 << 3;
    /// <summary>ACS Upstream Forwarding.</summary>
    public const ushort UpstreamForwarding = 1 << 4;
    /// <summary>ACS P2P Egress Control.</summary>
    public const ushort EgressControl = 1 << 5;
    /// <summary>ACS Direct Translated P2P.</summary>
    public const ushort DirectTranslatedP2P = 1 << 6;
    /// <summary>ACS Enhanced Capability (PCIe 5.0+).</summary>
    public const ushort EnhancedCapability = 1 << 7;

    /// <summary>The control bits Linux requires for isolation: SV, RR, CR, UF (<c>REQ_ACS_FLAGS</c>).</summary>
    public const ushort IsolationFlags = SourceValidation | RequestRedirect | CompletionRedirect | UpstreamForwarding;

    public static RegisterLayout Layout(ushort capability)
    {
        ushort writable = (ushort)(capability & 0x7F);
        return RegisterLayout.Of("ACS", "PCIe Base 6.0 §7.7.11",
            new(0x00, 4, "ACS Extended Capability Header"),
            new(CapabilityRegister, 2, "ACS Capability"),
            new(ControlRegister, 2, "ACS Control", Rw: writable, RsvdP: 0xFF80));
    }

    public static RegisterLayout LayoutAt(ReadOnlySpan<byte> config, int offset) => Layout(ConfigBytes.U16(config, offset + CapabilityRegister));

    public static ushort Capability(ReadOnlySpan<byte> config, int offset) => ConfigBytes.U16(config, offset + CapabilityRegister);

    public static ushort Control(ReadOnlySpan<byte> config, int offset) => ConfigBytes.U16(config, offset + ControlRegister);

    /// <summary>Names of the set ACS bits, in spec order (SrcValid, TransBlk, ReqRedir, CmpltRedir, UpstreamFwd, EgressCtrl, DirectTrans).</summary>
    public static IEnumerable<string> Names(ushort bits)
    {
        string[] names = ["SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans"];
        for (int i = 0; i < names.Length; i++)
            if ((bits & (1 << i)) != 0) yield return names[i];
    }
}
