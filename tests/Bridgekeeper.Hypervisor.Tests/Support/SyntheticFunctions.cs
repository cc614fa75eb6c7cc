using System.Buffers.Binary;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Support;

/// <summary>
/// Builds config spaces for hand-made topologies: PCIe ports and endpoints (PCI Express capability at
/// 0x40, ACS at 0x100, SR-IOV at 0x140) and conventional functions, with the registers the topology reads
/// laid out as PCIe Base 6.0 §7.5 and §7.7.11, §9.3.3 place them. Shared with the benchmarks.
/// </summary>
public static class SyntheticFunctions
{
    private static readonly ConfigAttributes ReadOnly4K = new ConfigAttributes(ConfigSpace.ExtendedSize).Freeze();
    private static readonly ConfigAttributes ReadOnly256 = new ConfigAttributes(ConfigSpace.ConventionalSize).Freeze();

    public const ushort AllAcs = 0x005F; // QEMU pcie-root-port's ACS capability: SV TB RR CR UF DT
    public const ushort RequiredAcs = 0x001D;

    /// <summary>A PCIe function. <paramref name="acsControl"/> null = no ACS capability.</summary>
    public static FunctionConfig Pcie(string address, PciePortType type, ushort? acsControl = null, bool multiFunction = false,
        byte secondary = 0, byte subordinate = 0, bool flr = false, bool slotPower = false, ushort vendor = 0x1b36, ushort device = 0x000c,
        int numVfs = 0, int firstVfOffset = 1, int vfStride = 1, Sbdf? physicalFunction = null, bool ariForwarding = false, bool ari = false)
    {
        var a = Sbdf.Parse(address);
        var b = new byte[ConfigSpace.ExtendedSize];
        bool bridge = type is PciePortType.RootPort or PciePortType.UpstreamPort or PciePortType.DownstreamPort or PciePortType.PcieToPciBridge or PciePortType.PciToPcieBridge;
        Header(b, a, vendor, device, bridge, multiFunction, secondary, subordinate, bridge ? 0x060400u : 0x020000u);
        b[ConfigHeader.CapabilitiesPointer] = 0x40;
        b[0x40] = (byte)CapabilityId.PciExpress;
        bool slot = slotPower && type is PciePortType.RootPort or PciePortType.DownstreamPort;
        U16(b, 0x42, (ushort)(2 | (int)type << 4 | (slot ? 0x100 : 0)));
        U32(b, 0x44, flr ? PciExpressCapability.DevCapFlrCapable : 0);
        if (slot) U32(b, 0x40 + PciExpressCapability.SlotCapabilities, 0x2);
        if (ariForwarding) U16(b, 0x40 + PciExpressCapability.DeviceControl2, PciExpressCapability.DevCtl2AriForwarding);
        int next = 0x100;
        var caps = new List<(ushort Id, Action<int> Fill)>();
        if (acsControl is { } ctrl) caps.Add(((ushort)ExtendedCapabilityId.AccessControlServices, at => { U16(b, at + 4, AllAcs); U16(b, at + 6, ctrl); }));
        if (numVfs > 0) caps.Add(((ushort)ExtendedCapabilityId.SingleRootIov, at =>
        {
            U16(b, at + SriovCapability.Control, SriovCapability.VfEnable);
            U16(b, at + SriovCapability.TotalVfs, (ushort)numVfs);
            U16(b, at + SriovCapability.NumVfs, (ushort)numVfs);
            U16(b, at + SriovCapability.FirstVfOffset, (ushort)firstVfOffset);
            U16(b, at + SriovCapability.VfStride, (ushort)vfStride);
            U16(b, at + SriovCapability.VfDeviceId, (ushort)(device + 1));
        }));
        if (ari) caps.Add(((ushort)ExtendedCapabilityId.AlternativeRoutingId, _ => { }));
        for (int i = 0; i < caps.Count; i++)
        {
            int at = next;
            int following = i + 1 < caps.Count ? at + 0x40 : 0;
            U32(b, at, (uint)(caps[i].Id | 1 << 16 | following << 20));
            caps[i].Fill(at);
            next = following;
        }
        if (physicalFunction is not null) { U16(b, 0, 0xFFFF); U16(b, 2, 0xFFFF); }
        return new FunctionConfig(a, ConfigSpace.Create(b, ReadOnly4K), physicalFunction);
    }

    /// <summary>A conventional PCI function or PCI-to-PCI bridge (no PCI Express capability).</summary>
    public static FunctionConfig Conventional(string address, bool bridge = false, byte secondary = 0, byte subordinate = 0,
        bool multiFunction = false, ushort vendor = 0x8086, ushort device = 0x100e)
    {
        var a = Sbdf.Parse(address);
        var b = new byte[ConfigSpace.ConventionalSize];
        Header(b, a, vendor, device, bridge, multiFunction, secondary, subordinate, bridge ? 0x060400u : 0x020000u);
        return new FunctionConfig(a, ConfigSpace.Create(b, ReadOnly256));
    }

    /// <summary>The VFs of a PF built by <see cref="Pcie"/> (their IDs read all ones, as on hardware).</summary>
    public static IEnumerable<FunctionConfig> VirtualFunctions(FunctionConfig pf)
    {
        var facts = FunctionFacts.Read(pf.Config.Bytes);
        foreach (var vf in EcamEnumerator.VirtualFunctionsOf(pf.Address, facts))
            yield return Pcie(vf.ToString(), PciePortType.Endpoint, physicalFunction: pf.Address, flr: true);
    }

    private static void Header(byte[] b, Sbdf a, ushort vendor, ushort device, bool bridge, bool mf, byte secondary, byte subordinate, uint classCode)
    {
        U16(b, ConfigHeader.VendorId, vendor);
        U16(b, ConfigHeader.DeviceId, device);
        U16(b, ConfigHeader.Status, ConfigHeader.StatusCapabilitiesList);
        U32(b, 0x08, classCode << 8);
        b[ConfigHeader.HeaderType] = (byte)((bridge ? 1 : 0) | (mf ? ConfigHeader.MultiFunctionBit : 0));
        if (bridge)
        {
            b[ConfigHeader.PrimaryBus] = a.Bus;
            b[ConfigHeader.SecondaryBus] = secondary;
            b[ConfigHeader.SubordinateBus] = subordinate;
        }
    }

    private static void U16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    private static void U32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
}
