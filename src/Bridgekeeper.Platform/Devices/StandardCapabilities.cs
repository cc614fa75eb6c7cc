using Bridgekeeper.Pci;
using AerRegs = Bridgekeeper.Pci.AerCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Writes the capabilities real parts carry, at their spec defaults, into a <see cref="ConfigSpaceBuilder"/>:
/// PCI Express (§7.5.3), Power Management (§7.5.2), MSI (§7.7.1), MSI-X (§7.7.2), AER (§7.8.4), ACS
/// (§7.7.11), ARI (§7.8.8), SR-IOV (§9.3.3), DSN (§7.9.3), Readiness Time Reporting (§7.9.16), FRS
/// Queueing (§7.8.10) and the RCEC Endpoint Association (§7.9.10).
/// </summary>
public static class StandardCapabilities
{
    /// <summary>PCI Express capability, version 2. <paramref name="speed"/>: 1 = 2.5 GT/s … 5 = 32 GT/s.</summary>
    public static int PciExpress(ConfigSpaceBuilder b, PciePortType type, int speed, int width, bool flr = false,
        bool slot = false, int slotNumber = 0, bool drs = false, int portNumber = 0, bool ari = false, bool frs = false)
    {
        int at = b.AddStandard(CapabilityId.PciExpress, Pcie.Version2Length);
        b.U16(at + Pcie.Capabilities, (ushort)(0x2 | (int)type << 4 | (slot ? 0x100 : 0)));
        // Device Capabilities: Max_Payload 512 B, Role-Based Error Reporting (bit 15, required since 1.1), FLR.
        b.U32(at + Pcie.DeviceCapabilities, 0x2u | 1u << 15 | (flr ? Pcie.DevCapFlrCapable : 0));
        b.U16(at + Pcie.DeviceControl, 0x2810); // MPS 128 B, MRRS 512 B, Relaxed Ordering, No Snoop (reset defaults)
        bool hasLink = type is not (PciePortType.RCiEP or PciePortType.RCEC);
        if (hasLink)
        {
            bool downstream = type is PciePortType.RootPort or PciePortType.DownstreamPort;
            // Link Capabilities: speed, width, ASPM L1, and for downstream ports Surprise Down Reporting
            // (bit 19) and DLL Link Active Reporting (bit 20, §7.5.3.6); Port Number in 31:24.
            uint linkCap = (uint)speed | (uint)width << 4 | 0x2u << 10 | (downstream ? 0x3u << 19 : 0) | (uint)portNumber << 24;
            b.U32(at + Pcie.LinkCapabilities, linkCap);
            b.U16(at + Pcie.LinkStatus, (ushort)(speed | width << 4 | (downstream ? Pcie.LinkStaDllActive : 0)));
            b.U32(at + Pcie.LinkCapabilities2, (uint)((1 << (speed + 1)) - 2) | (drs ? 1u << 31 : 0));
            b.U16(at + Pcie.LinkControl2, (ushort)speed);
        }
        if (slot)
        {
            // Slot Capabilities: Attention Button, Power Controller, indicators, Hot-Plug Surprise and
            // Capable (bits 5-6), slot number in 31:19.
            b.U32(at + Pcie.SlotCapabilities, 0x7Fu | (uint)slotNumber << 19);
            b.U16(at + Pcie.SlotStatus, 0x0040); // Presence Detect State
        }
        if (type is PciePortType.RootPort or PciePortType.RCEC)
            b.U16(at + Pcie.RootCapabilities, 0x0001); // RRS Software Visibility (§7.5.3.13)
        // Device Capabilities 2: Completion Timeout ranges A-D, ARI Forwarding for downstream ports,
        // FRS Supported (bit 31, §7.5.3.15).
        uint devCap2 = 0xFu | (ari && type is PciePortType.RootPort or PciePortType.DownstreamPort ? 1u << 5 : 0) | (frs ? Pcie.DevCap2FrsSupported : 0);
        b.U32(at + Pcie.DeviceCapabilities2, devCap2);
        return at;
    }

    public static int PowerManagement(ConfigSpaceBuilder b, bool immediateOnD0 = false)
    {
        int at = b.AddStandard(CapabilityId.PowerManagement, 8);
        // PMC: version 3, D1/D2 unsupported, PME from D0/D3hot/D3cold; bit 4 Immediate_Readiness_on_Return_to_D0.
        b.U16(at + PowerManagementCapability.Capabilities, (ushort)(0xC803 | (immediateOnD0 ? 0x10 : 0)));
        b.U16(at + PowerManagementCapability.ControlStatus, PowerManagementCapability.NoSoftReset);
        return at;
    }

    public static int Msi(ConfigSpaceBuilder b, int vectorsLog2, bool is64 = true, bool masking = true)
    {
        int length = (is64 ? 0x10 : 0x0C) + (masking ? 8 : 0);
        int at = b.AddStandard(CapabilityId.Msi, length);
        b.U16(at + MsiCapability.MessageControl, (ushort)(vectorsLog2 << 1 | (is64 ? MsiCapability.Is64Bit : 0) | (masking ? MsiCapability.PerVectorMasking : 0)));
        return at;
    }

    public static int Msix(ConfigSpaceBuilder b, int tableSize, int bar, uint tableOffset, uint pbaOffset)
    {
        int at = b.AddStandard(CapabilityId.MsiX, 12);
        b.U16(at + MsixCapability.MessageControl, (ushort)(tableSize - 1));
        b.U32(at + MsixCapability.TableOffsetBir, tableOffset | (uint)bar);
        b.U32(at + MsixCapability.PbaOffsetBir, pbaOffset | (uint)bar);
        return at;
    }

    /// <summary>AER at its reset defaults (§7.8.4.4-7); root ports and RCECs get the root registers and Multiple Header Recording.</summary>
    public static int Aer(ConfigSpaceBuilder b, bool root, int messageNumber = 0)
    {
        int at = b.AddExtended(ExtendedCapabilityId.AdvancedErrorReporting, 2, 0x48);
        b.U32(at + AerRegs.UncorrectableSeverity, AerRegs.DefaultSeverity | AerRegs.ReceiverOverflow);
        b.U32(at + AerRegs.CorrectableMask, AerRegs.DefaultCorrectableMask);
        b.U32(at + AerRegs.CapabilitiesControl, AerRegs.EcrcGenerationCapable | AerRegs.EcrcCheckCapable | (root ? AerRegs.MultipleHeaderRecordingCapable : 0));
        if (root) b.U32(at + AerRegs.RootErrorStatus, (uint)messageNumber << 27);
        return at;
    }

    public static int Acs(ConfigSpaceBuilder b, ushort capability)
    {
        int at = b.AddExtended(ExtendedCapabilityId.AccessControlServices, 1, 8);
        b.U16(at + AcsCapability.CapabilityRegister, capability);
        return at;
    }

    public static int Ari(ConfigSpaceBuilder b, int nextFunction)
    {
        int at = b.AddExtended(ExtendedCapabilityId.AlternativeRoutingId, 1, 8);
        b.U16(at + 4, (ushort)(nextFunction << 8));
        return at;
    }

    public static int Dsn(ConfigSpaceBuilder b, ulong serial)
    {
        int at = b.AddExtended(ExtendedCapabilityId.DeviceSerialNumber, 1, 12);
        b.U32(at + DsnCapability.SerialLow, (uint)serial);
        b.U32(at + DsnCapability.SerialHigh, (uint)(serial >> 32));
        return at;
    }

    /// <summary>Readiness Time Reporting with the Valid bit set: reset, DL_Up and FLR times (ns).</summary>
    public static int ReadinessTimes(ConfigSpaceBuilder b, long resetNs, long dlUpNs, long flrNs, long d3HotNs)
    {
        int at = b.AddExtended(ExtendedCapabilityId.ReadinessTimeReporting, 1, 12);
        b.U32(at + ReadinessTimeReportingCapability.Register1, ReadinessTimeReportingCapability.Valid
            | ReadinessTimeReportingCapability.EncodeTime(resetNs) | ReadinessTimeReportingCapability.EncodeTime(dlUpNs) << 12);
        b.U32(at + ReadinessTimeReportingCapability.Register2, ReadinessTimeReportingCapability.EncodeTime(flrNs) | ReadinessTimeReportingCapability.EncodeTime(d3HotNs) << 12);
        return at;
    }

    /// <summary>SR-IOV (§9.3.3) with VFs at PF + <paramref name="firstOffset"/> + (n-1) * <paramref name="stride"/> and one 64-bit prefetchable VF BAR0.</summary>
    public static int Sriov(ConfigSpaceBuilder b, int totalVfs, int firstOffset, int stride, ushort vfDeviceId, ulong vfBar0Size)
    {
        int at = b.AddExtended(ExtendedCapabilityId.SingleRootIov, 1, SriovCapability.Length);
        b.U16(at + SriovCapability.InitialVfs, (ushort)totalVfs);
        b.U16(at + SriovCapability.TotalVfs, (ushort)totalVfs);
        b.U16(at + SriovCapability.FirstVfOffset, (ushort)firstOffset);
        b.U16(at + SriovCapability.VfStride, (ushort)stride);
        b.U16(at + SriovCapability.VfDeviceId, vfDeviceId);
        b.U32(at + SriovCapability.SupportedPageSizes, 0x553);
        b.U32(at + SriovCapability.SystemPageSize, 0x1);
        b.BarAt(at + SriovCapability.VfBar0, vfBar0Size, is64: true, prefetchable: true);
        return at;
    }

    /// <summary>FRS Queueing (§7.8.10) of a Root Port or RCEC that supports FRS: queue depth and interrupt vector.</summary>
    public static int FrsQueueing(ConfigSpaceBuilder b, int maxDepth, int messageNumber = 0)
    {
        int at = b.AddExtended(ExtendedCapabilityId.FrsQueueing, 1, FrsQueueingCapability.Length);
        b.U32(at + FrsQueueingCapability.Capability, (uint)maxDepth & FrsQueueingCapability.MaxDepthMask | (uint)messageNumber << FrsQueueingCapability.InterruptMessageNumberShift);
        return at;
    }

    /// <summary>RCEC Endpoint Association (§7.9.10): one bit per device number of the RCiEPs it collects for.</summary>
    public static int EventCollectorAssociation(ConfigSpaceBuilder b, uint deviceBitmap)
    {
        int at = b.AddExtended(ExtendedCapabilityId.RootComplexEventCollectorEndpointAssociation, 2, 12);
        b.U32(at + 4, deviceBitmap);
        return at;
    }
}
