namespace Bridgekeeper.Pci;

/// <summary>
/// Compiles a function's attribute masks from its content: the header layout chosen by Header Type,
/// then the layout of every capability Bridgekeeper declares, found by walking both lists. Bytes of
/// unknown structures stay read-only, which is the safe reading of a register we cannot name.
/// BAR sizes are not in config content; the platform declares them with
/// <see cref="ConfigAttributes.DeclareBar"/> on an unfrozen set from <see cref="Compile"/>.
/// </summary>
public static class ConfigLayoutCompiler
{
    public static ConfigAttributes Compile(ReadOnlySpan<byte> config)
    {
        var attributes = new ConfigAttributes(config.Length);
        if (ConfigHeader.ForHeaderType(ConfigBytes.U8(config, ConfigHeader.HeaderType)) is { } header)
        {
            attributes.Apply(header, 0);
            if (header == ConfigHeader.Type1 && (ConfigBytes.U8(config, ConfigHeader.IoBase) & ConfigHeader.IoAddressingMask) == 0)
                attributes.Apply(ConfigHeader.Type1SixteenBitIo, 0);
        }
        var list = CapabilityList.Walk(config);
        bool rootRegisters = false;
        if (list.Find(CapabilityId.PciExpress) is int pcie)
        {
            var type = new PciExpressCapability.View(config, pcie).PortType;
            rootRegisters = type is PciePortType.RootPort or PciePortType.RCEC;
        }
        foreach (var cap in list.Entries)
        {
            if (LayoutFor(cap, config, rootRegisters) is { } layout)
                attributes.Apply(layout, cap.Offset);
        }
        return attributes;
    }

    /// <summary>The declared layout of one capability, or null when Bridgekeeper does not declare that ID.</summary>
    public static RegisterLayout? LayoutFor(CapabilityEntry cap, ReadOnlySpan<byte> config, bool rootRegisters)
    {
        if (!cap.Extended)
        {
            return (CapabilityId)cap.Id switch
            {
                CapabilityId.PowerManagement => PowerManagementCapability.Layout,
                CapabilityId.Msi => MsiCapability.LayoutAt(config, cap.Offset),
                CapabilityId.MsiX => MsixCapability.Layout,
                CapabilityId.VendorSpecific => VendorSpecificCapability.Layout,
                CapabilityId.PciExpress => PciExpressCapability.LayoutAt(config, cap.Offset),
                _ => null,
            };
        }
        return (ExtendedCapabilityId)cap.Id switch
        {
            ExtendedCapabilityId.AdvancedErrorReporting => AerCapability.Layout(rootRegisters),
            ExtendedCapabilityId.DeviceSerialNumber => DsnCapability.Layout,
            ExtendedCapabilityId.AccessControlServices => AcsCapability.LayoutAt(config, cap.Offset),
            ExtendedCapabilityId.AlternativeRoutingId => AriCapability.Layout,
            ExtendedCapabilityId.SingleRootIov => SriovCapability.Layout,
            ExtendedCapabilityId.DownstreamPortContainment => DpcCapability.Layout,
            ExtendedCapabilityId.ReadinessTimeReporting => ReadinessTimeReportingCapability.Layout,
            ExtendedCapabilityId.FrsQueueing => FrsQueueingCapability.Layout,
            _ => null,
        };
    }
}
