using System.Buffers.Binary;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>Builds real config spaces (header, PCIe capability at 0x40, AER at 0x100) for the test fabric.</summary>
public static class FabricConfigSpaces
{
    public const int PcieAt = 0x40;
    public const int AerAt = 0x100;
    public const int RtrAt = 0x160;

    public static ConfigSpace RootPort(byte secondaryBus, ushort deviceId = 0x1001)
    {
        var b = Common(deviceId, 0x01, PciePortType.RootPort, rootAer: true);
        b[ConfigHeader.SecondaryBus] = secondaryBus;
        b[ConfigHeader.SubordinateBus] = secondaryBus;
        // Link Capabilities: 16 GT/s x4, DLL Link Active Reporting capable; Link Status: DLLLA.
        W32(b, PcieAt + PciExpressCapability.LinkCapabilities, 0x4 | (4 << 4) | PciExpressCapability.LinkCapDllActiveReporting);
        W16(b, PcieAt + PciExpressCapability.LinkStatus, (ushort)(0x4 | (4 << 4) | PciExpressCapability.LinkStaDllActive));
        W16(b, PcieAt + PciExpressCapability.RootControl, PciExpressCapability.RootCtlRrsSoftwareVisibility);
        W32(b, AerAt + AerCapability.RootErrorCommand, 0x7);
        var cs = ConfigSpace.FromContent(b);
        return cs;
    }

    public static ConfigSpace Endpoint(ushort deviceId, bool multiFunction, bool immediateReadiness = false, long? rtrDlUpNs = null)
    {
        var b = Common(deviceId, multiFunction ? (byte)0x80 : (byte)0x00, PciePortType.Endpoint, rootAer: false, rtr: rtrDlUpNs is not null);
        if (immediateReadiness) b[ConfigHeader.Status] |= 0x01;
        if (rtrDlUpNs is long t)
        {
            W32(b, RtrAt, 0x0022 | (1u << 16));
            uint field = ReadinessTimeReportingCapability.EncodeTime(t);
            W32(b, RtrAt + ReadinessTimeReportingCapability.Register1, ReadinessTimeReportingCapability.Valid | field | (field << 12));
        }
        var attributes = ConfigLayoutCompiler.Compile(b);
        attributes.DeclareBar(ConfigHeader.Bar0, 0x10_0000, io: false, is64Bit: false);
        return ConfigSpace.Create(b, attributes.Freeze());
    }

    private static byte[] Common(ushort deviceId, byte headerType, PciePortType type, bool rootAer, bool rtr = false)
    {
        var b = new byte[ConfigSpace.ExtendedSize];
        W16(b, ConfigHeader.VendorId, 0x1BAD);
        W16(b, ConfigHeader.DeviceId, deviceId);
        W16(b, ConfigHeader.Status, ConfigHeader.StatusCapabilitiesList);
        b[ConfigHeader.HeaderType] = (byte)(headerType | (type == PciePortType.RootPort ? 1 : 0));
        b[ConfigHeader.CapabilitiesPointer] = PcieAt;
        b[PcieAt] = 0x10;
        W16(b, PcieAt + PciExpressCapability.Capabilities, (ushort)(2 | ((int)type << 4)));
        W16(b, PcieAt + PciExpressCapability.DeviceControl, 0x000F);
        W32(b, AerAt, 0x0001 | (2u << 16) | (rtr ? (uint)RtrAt << 20 : 0));
        W32(b, AerAt + AerCapability.UncorrectableSeverity, AerCapability.DefaultSeverity);
        W32(b, AerAt + AerCapability.CorrectableMask, AerCapability.DefaultCorrectableMask);
        _ = rootAer;
        return b;
    }

    private static void W16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    private static void W32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
}
