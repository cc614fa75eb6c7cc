using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// What one function's config space says about its place in the hierarchy, read once: identity,
/// header and port type, bridge bus numbers, ACS, SR-IOV, ARI, FLR, slot power control and phantom
/// functions. Both the snapshot builder and the registry (over its own ECAM reads) use this, so the two
/// can never read a register differently.
/// </summary>
public readonly record struct FunctionFacts
{
    public ushort VendorId { get; init; }
    public ushort DeviceId { get; init; }
    public uint ClassCode { get; init; }
    /// <summary>Header Type without bit 7 (PCIe Base 6.0 §7.5.1.1.9).</summary>
    public byte HeaderType { get; init; }
    public bool MultiFunctionBit { get; init; }
    public bool IsPcie { get; init; }
    public PciePortType? PortType { get; init; }
    public byte PrimaryBus { get; init; }
    public byte SecondaryBus { get; init; }
    public byte SubordinateBus { get; init; }
    /// <summary>Offset of the ACS Extended Capability (§7.7.11), 0 when absent.</summary>
    public int AcsOffset { get; init; }
    public ushort AcsCapability { get; init; }
    public ushort AcsControl { get; init; }
    public bool HasAri { get; init; }
    /// <summary>ARI Forwarding Enable in Device Control 2 (§7.5.3.16) of a downstream-facing port.</summary>
    public bool AriForwardingEnabled { get; init; }
    public int SriovOffset { get; init; }
    public bool VfEnabled { get; init; }
    public int NumVfs { get; init; }
    public int FirstVfOffset { get; init; }
    public int VfStride { get; init; }
    /// <summary>VF Device ID from the PF's SR-IOV capability (§9.3.3.11); a VF's own Device ID reads as all ones.</summary>
    public ushort VfDeviceId { get; init; }
    /// <summary>Function Level Reset capable: Device Capabilities bit 28 (§7.5.3.3) or the Advanced Features capability's FLR bit.</summary>
    public bool FlrCapable { get; init; }
    /// <summary>A slot with a Power Controller (Slot Capabilities bit 1, §7.5.3.9) below this port.</summary>
    public bool SlotPowerControl { get; init; }
    /// <summary>Phantom Functions Supported when Phantom Functions Enable is set (§7.5.3.3, §7.5.3.4), else 0.</summary>
    public int PhantomFunctionBits { get; init; }

    public bool IsBridge => HeaderType is 1 or 2;

    public FunctionKind Kind(bool isVirtualFunction)
    {
        if (isVirtualFunction) return FunctionKind.VirtualFunction;
        if (PortType is { } t)
        {
            return t switch
            {
                PciePortType.RootPort => FunctionKind.RootPort,
                PciePortType.UpstreamPort => FunctionKind.SwitchUpstreamPort,
                PciePortType.DownstreamPort => FunctionKind.SwitchDownstreamPort,
                PciePortType.PcieToPciBridge => FunctionKind.PcieToPciBridge,
                PciePortType.PciToPcieBridge => FunctionKind.PciToPcieBridge,
                PciePortType.RCiEP => FunctionKind.RootComplexIntegratedEndpoint,
                PciePortType.RCEC => FunctionKind.RootComplexEventCollector,
                PciePortType.LegacyEndpoint => FunctionKind.LegacyEndpoint,
                _ => HeaderType == 1 ? FunctionKind.PciBridge : FunctionKind.Endpoint,
            };
        }
        return HeaderType switch { 1 => FunctionKind.PciBridge, 2 => FunctionKind.CardBusBridge, _ => FunctionKind.ConventionalFunction };
    }

    public static FunctionFacts Read(ReadOnlySpan<byte> config)
    {
        byte header = ConfigBytes.U8(config, ConfigHeader.HeaderType);
        byte type = (byte)(header & 0x7F);
        int pcie = CapabilityList.FindStandard(config, CapabilityId.PciExpress) ?? 0;
        int acs = config.Length > CapabilityList.ExtendedListStart ? CapabilityList.FindExtended(config, ExtendedCapabilityId.AccessControlServices) ?? 0 : 0;
        int sriov = config.Length > CapabilityList.ExtendedListStart ? CapabilityList.FindExtended(config, ExtendedCapabilityId.SingleRootIov) ?? 0 : 0;
        bool ari = config.Length > CapabilityList.ExtendedListStart && CapabilityList.FindExtended(config, ExtendedCapabilityId.AlternativeRoutingId) is not null;
        int af = CapabilityList.FindStandard(config, CapabilityId.AdvancedFeatures) ?? 0;
        var facts = new FunctionFacts
        {
            VendorId = ConfigBytes.VendorId(config),
            DeviceId = ConfigBytes.DeviceId(config),
            ClassCode = ConfigBytes.ClassCode(config),
            HeaderType = type,
            MultiFunctionBit = (header & ConfigHeader.MultiFunctionBit) != 0,
            IsPcie = pcie != 0,
            PrimaryBus = type == 1 ? ConfigBytes.U8(config, ConfigHeader.PrimaryBus) : (byte)0,
            SecondaryBus = type is 1 or 2 ? ConfigBytes.U8(config, ConfigHeader.SecondaryBus) : (byte)0,
            SubordinateBus = type is 1 or 2 ? ConfigBytes.U8(config, ConfigHeader.SubordinateBus) : (byte)0,
            AcsOffset = acs,
            AcsCapability = acs != 0 ? Bridgekeeper.Pci.AcsCapability.Capability(config, acs) : (ushort)0,
            AcsControl = acs != 0 ? Bridgekeeper.Pci.AcsCapability.Control(config, acs) : (ushort)0,
            HasAri = ari,
            SriovOffset = sriov,
            // PCI Advanced Features (capability 0x13): AF Capabilities at +3, bit 1 = FLR capable.
            FlrCapable = af != 0 && (ConfigBytes.U8(config, af + 3) & 0x02) != 0,
        };
        if (pcie != 0)
        {
            var v = new PciExpressCapability.View(config, pcie);
            var port = v.PortType;
            bool downstream = port is PciePortType.RootPort or PciePortType.DownstreamPort;
            facts = facts with
            {
                PortType = port,
                FlrCapable = facts.FlrCapable || v.FlrCapable,
                AriForwardingEnabled = downstream && v.AriForwardingEnabled,
                SlotPowerControl = downstream && v.SlotImplemented && (v.SlotCap & 0x2) != 0,
                PhantomFunctionBits = v.PhantomFunctionsEnabled ? v.PhantomFunctionsSupported : 0,
            };
        }
        if (sriov != 0)
        {
            var s = new SriovCapability.View(config, sriov);
            facts = facts with { VfEnabled = s.VfEnabled, NumVfs = s.NumVfCount, FirstVfOffset = s.FirstOffset, VfStride = s.Stride, VfDeviceId = s.VfDevice };
        }
        return facts;
    }
}
