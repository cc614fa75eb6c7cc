namespace Bridgekeeper.Pci;

/// <summary>
/// Decodes one function's config bytes into a <see cref="FunctionReport"/>: the capability walk,
/// then each structure through its typed view. Short captures (64 or 256 bytes) give null for
/// structures that lie outside them, and the capability walk's warnings travel with the report.
/// </summary>
public static class FunctionInspector
{
    public static InspectionReport Inspect(ImportedHost host)
    {
        var functions = new FunctionReport[host.Functions.Length];
        for (int i = 0; i < functions.Length; i++)
        {
            var f = host.Functions[i];
            functions[i] = Inspect(f.Address, f.Config.Bytes.Slice(0, Math.Min(f.CapturedLength, f.Config.Size))) with
            {
                PhysicalFunction = f.PhysicalFunction?.ToString(),
                Driver = f.Driver,
            };
        }
        return new InspectionReport(functions) { Source = host.Source, Warnings = host.Warnings };
    }

    public static FunctionReport Inspect(Sbdf address, ReadOnlySpan<byte> config)
    {
        var list = CapabilityList.Walk(config);
        var caps = new CapabilityReport[list.Entries.Length];
        for (int i = 0; i < caps.Length; i++)
        {
            var e = list.Entries[i];
            caps[i] = new CapabilityReport(e.Id, e.Offset, e.Extended) { Version = e.Version, Name = CapabilityNames.Of(e) };
        }
        byte headerType = ConfigBytes.HeaderType(config);
        PciePortType? portType = null;
        PcieReport? pcie = null;
        if (list.Find(CapabilityId.PciExpress) is int pcieAt && pcieAt + PciExpressCapability.LinkStatus + 2 <= config.Length)
        {
            var v = new PciExpressCapability.View(config, pcieAt);
            portType = v.PortType;
            bool hasLink = v.PortType is not (PciePortType.RCiEP or PciePortType.RCEC);
            pcie = new PcieReport(PortTypeName(v.PortType), hasLink ? v.LinkSpeed : null, hasLink ? v.LinkWidth : null)
            {
                Version = v.Version,
                LinkSpeedText = hasLink ? LinkSpeedText(v.LinkSpeed) : null,
                MaxLinkSpeed = hasLink ? v.MaxLinkSpeed : null,
                MaxLinkWidth = hasLink ? v.MaxLinkWidth : null,
                SlotImplemented = v.SlotImplemented,
            };
        }
        BridgeReport? bridge = headerType is 1 or 2 && config.Length >= 0x40
            ? new BridgeReport(config[ConfigHeader.PrimaryBus], config[ConfigHeader.SecondaryBus], config[ConfigHeader.SubordinateBus],
                ConfigBytes.U16(config, ConfigHeader.BridgeControl))
            : null;
        AerReport? aer = null;
        if (list.Find(ExtendedCapabilityId.AdvancedErrorReporting) is int aerAt && aerAt + AerCapability.EndpointLength <= config.Length)
        {
            var v = new AerCapability.View(config, aerAt);
            bool root = portType is PciePortType.RootPort or PciePortType.RCEC && aerAt + AerCapability.RootPortLength <= config.Length;
            aer = new AerReport(v.UncorStatus, v.UncorMask, v.UncorSeverity, v.CorStatus, v.CorMask, v.CapControl)
            {
                Offset = aerAt,
                RootErrorStatus = root ? v.RootStatus : null,
                ErrorSourceId = root ? v.SourceId : null,
            };
        }
        AcsReport? acs = list.Find(ExtendedCapabilityId.AccessControlServices) is int acsAt && acsAt + 8 <= config.Length
            ? new AcsReport(AcsCapability.Capability(config, acsAt), AcsCapability.Control(config, acsAt)) { Offset = acsAt }
            : null;
        SriovReport? sriov = null;
        if (list.Find(ExtendedCapabilityId.SingleRootIov) is int iovAt && iovAt + SriovCapability.VfDeviceId + 2 <= config.Length)
        {
            var v = new SriovCapability.View(config, iovAt);
            sriov = new SriovReport(v.TotalVfCount, v.NumVfCount, v.FirstOffset, v.Stride, v.VfDevice)
            {
                Offset = iovAt,
                InitialVFs = v.InitialVfCount,
                VfEnable = v.VfEnabled,
            };
        }
        return new FunctionReport(
            address.ToString(),
            ConfigBytes.VendorId(config),
            ConfigBytes.DeviceId(config),
            (int)ConfigBytes.ClassCode(config),
            headerType,
            ConfigBytes.IsMultiFunction(config),
            caps, pcie, bridge, aer, acs, sriov,
            list.Warnings);
    }

    /// <summary>The names for Device/Port Type; reserved encodings read "Reserved(n)".</summary>
    public static string PortTypeName(PciePortType type) => type switch
    {
        PciePortType.Endpoint => "Endpoint",
        PciePortType.LegacyEndpoint => "LegacyEndpoint",
        PciePortType.RootPort => "RootPort",
        PciePortType.UpstreamPort => "UpstreamPort",
        PciePortType.DownstreamPort => "DownstreamPort",
        PciePortType.PcieToPciBridge => "PcieToPciBridge",
        PciePortType.PciToPcieBridge => "PciToPcieBridge",
        PciePortType.RCiEP => "RCiEP",
        PciePortType.RCEC => "RCEC",
        _ => $"Reserved({(int)type})",
    };

    /// <summary>Current Link Speed encodings (PCIe Base 6.0 §7.5.3.8 via Supported Link Speeds Vector) as lspci names them.</summary>
    public static string LinkSpeedText(int code) => code switch
    {
        1 => "2.5GT/s",
        2 => "5GT/s",
        3 => "8GT/s",
        4 => "16GT/s",
        5 => "32GT/s",
        6 => "64GT/s",
        _ => "unknown",
    };
}
