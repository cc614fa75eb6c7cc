using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// A function's configuration saved before a reset and written back after it, in the order of
/// Linux's <c>pci_restore_state</c> (drivers/pci/pci.c): PCI Express capability control words, then
/// AER (status cleared first, masks and severities after; native only, firmware owns them
/// otherwise), then the header (type 0: dwords 15..10, BARs 9..4, then 3..0 so Command comes last;
/// type 1: 15..12, 9..11, 8..0), then MSI (address/data before the enabling control word) and the
/// MSI-X control word. A dword is written only when it differs from what the function reads.
/// Last, a PF's SR-IOV state (Linux <c>sriov_restore_state</c>, drivers/pci/iov.c): ARI Capable
/// Hierarchy, System Page Size, VF BARs, NumVFs, then the Control word with VF Enable / VF MSE.
/// Also carries what readiness needs: Immediate Readiness and the RTR times.
/// </summary>
public sealed class ConfigSnapshot
{
    /// <summary>PCIe capability words saved by <c>pci_save_pcie_state</c>, restored in this order (§7.5.3).</summary>
    private static readonly int[] PcieWords =
    [
        PciExpressCapability.DeviceControl, PciExpressCapability.LinkControl, PciExpressCapability.SlotControl,
        PciExpressCapability.RootControl, PciExpressCapability.DeviceControl2, PciExpressCapability.LinkControl2,
        PciExpressCapability.SlotControl2,
    ];

    /// <summary>AER registers saved by <c>pci_save_aer_state</c> (§7.8.4); Root Error Command only on root ports.</summary>
    private static readonly int[] AerRegisters =
    [
        AerCapability.UncorrectableMask, AerCapability.UncorrectableSeverity, AerCapability.CorrectableMask,
        AerCapability.CapabilitiesControl, AerCapability.RootErrorCommand,
    ];

    private static readonly int[] Type0Order = [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    private static readonly int[] Type1Order = [15, 14, 13, 12, 9, 10, 11, 8, 7, 6, 5, 4, 3, 2, 1, 0];

    private readonly uint[] _header = new uint[16];
    private readonly ushort[] _pcie = new ushort[PcieWords.Length];
    private readonly uint[] _aer = new uint[AerRegisters.Length];
    private readonly uint[] _msi = new uint[6];
    private ushort _msixControl;
    private int? _sriov;
    private readonly uint[] _vfBars = new uint[6];
    private uint _systemPageSize;
    private ushort _sriovControl, _numVfs, _firstVfOffset, _vfStride;

    private ConfigSnapshot(Sbdf function, FunctionCapabilities caps)
    {
        Function = function;
        Capabilities = caps;
    }

    public Sbdf Function { get; }

    public FunctionCapabilities Capabilities { get; }

    public bool IsBridge => ((_header[3] >> 16) & 0x7F) == 1;

    /// <summary>A bridge's Secondary Bus Number as saved (type 1 header byte 0x19, §7.5.1.3.4); the reset clears it.</summary>
    public byte SecondaryBus => (byte)(_header[6] >> 8);

    /// <summary>Status bit 0 (PCIe Base 6.0 §7.5.1.1.4): Configuration-Ready right after reset.</summary>
    public bool ImmediateReadiness => (_header[1] >> 16 & 0x1) != 0;

    /// <summary>Readiness Time Reporting (§7.9.16), when the capability says its times are valid.</summary>
    public long? RtrResetNs { get; private set; }

    public long? RtrDlUpNs { get; private set; }

    public long? RtrFlrNs { get; private set; }

    public bool IsRootPort { get; private set; }

    /// <summary>True for a PF that had VF Enable set with NumVFs &gt; 0 when saved.</summary>
    public bool EnablesVirtualFunctions => _sriov is not null && (_sriovControl & SriovCapability.VfEnable) != 0 && _numVfs > 0;

    /// <summary>The VFs this PF had enabled when saved (Routing ID = PF + First VF Offset + (n-1) * VF Stride, §9.3.3.9-10).</summary>
    public IEnumerable<Sbdf> VirtualFunctions()
    {
        if (!EnablesVirtualFunctions) yield break;
        for (int n = 1; n <= _numVfs; n++)
        {
            int rid = Function.RequesterId.Value + _firstVfOffset + (n - 1) * _vfStride;
            if (rid > 0xFFFF) yield break;
            yield return Sbdf.FromRequesterId(Function.Segment, new RequesterId((ushort)rid));
        }
    }

    public static ConfigSnapshot Capture(IConfigAccess config, Sbdf function, FunctionCapabilities caps, bool aerNative)
    {
        var s = new ConfigSnapshot(function, caps);
        for (int i = 0; i < 16; i++) s._header[i] = config.Read(function, i * 4, 4);
        if (caps.PciExpress is int p)
        {
            for (int i = 0; i < PcieWords.Length; i++) s._pcie[i] = (ushort)config.Read(function, p + PcieWords[i], 2);
            s.IsRootPort = ((config.Read(function, p + PciExpressCapability.Capabilities, 2) >> 4) & 0xF) == (uint)PciePortType.RootPort;
        }
        if (aerNative && caps.Aer is int a) // firmware owns AER otherwise (Linux: pci_save_aer_state only when native)
            for (int i = 0; i < AerRegisters.Length; i++)
                s._aer[i] = AerRegisters[i] == AerCapability.RootErrorCommand && !s.IsRootPort ? 0 : config.Read(function, a + AerRegisters[i], 4);
        if (caps.Msi is int m)
            for (int i = 0; i < s._msi.Length; i++) s._msi[i] = config.Read(function, m + 4 * i, 4);
        if (caps.MsiX is int x) s._msixControl = (ushort)config.Read(function, x + 2, 2);
        if (ConfigCapabilityFinder.FindExtended(config, function, ExtendedCapabilityId.SingleRootIov) is int v)
        {
            s._sriov = v;
            s._sriovControl = (ushort)config.Read(function, v + SriovCapability.Control, 2);
            s._numVfs = (ushort)config.Read(function, v + SriovCapability.NumVfs, 2);
            s._firstVfOffset = (ushort)config.Read(function, v + SriovCapability.FirstVfOffset, 2);
            s._vfStride = (ushort)config.Read(function, v + SriovCapability.VfStride, 2);
            s._systemPageSize = config.Read(function, v + SriovCapability.SystemPageSize, 4);
            for (int i = 0; i < s._vfBars.Length; i++) s._vfBars[i] = config.Read(function, v + SriovCapability.VfBar0 + 4 * i, 4);
        }
        if (caps.ReadinessTimeReporting is int r)
        {
            uint r1 = config.Read(function, r + ReadinessTimeReportingCapability.Register1, 4);
            if ((r1 & ReadinessTimeReportingCapability.Valid) != 0)
            {
                s.RtrResetNs = ReadinessTimeReportingCapability.DecodeTime(r1 & 0xFFF);
                s.RtrDlUpNs = ReadinessTimeReportingCapability.DecodeTime((r1 >> 12) & 0xFFF);
                s.RtrFlrNs = ReadinessTimeReportingCapability.DecodeTime(config.Read(function, r + ReadinessTimeReportingCapability.Register2, 4) & 0xFFF);
            }
        }
        return s;
    }

    /// <summary>Writes the saved state back; returns how many registers were written.</summary>
    public int Restore(IConfigAccess config, bool aerNative, IInterruptStateRestorer? interrupts = null)
    {
        int writes = 0;
        if (Capabilities.PciExpress is int p)
            for (int i = 0; i < PcieWords.Length; i++) writes += WriteIfDifferent(config, p + PcieWords[i], 2, _pcie[i]);
        if (aerNative && Capabilities.Aer is int a)
        {
            // Clear sticky status left from before the reset, then masks and severities (pci_restore_aer_state).
            config.Write(Function, a + AerCapability.UncorrectableStatus, 4, AerCapability.UncorrectableBits);
            config.Write(Function, a + AerCapability.CorrectableStatus, 4, AerCapability.CorrectableBits);
            writes += 2;
            for (int i = 0; i < AerRegisters.Length; i++)
                if (AerRegisters[i] != AerCapability.RootErrorCommand || IsRootPort)
                    writes += WriteIfDifferent(config, a + AerRegisters[i], 4, _aer[i]);
        }
        foreach (int dw in IsBridge ? Type1Order : Type0Order)
            writes += WriteIfDifferent(config, dw * 4, 4, _header[dw]);
        if (Capabilities.Msi is int m)
        {
            for (int i = 1; i < _msi.Length; i++) writes += WriteIfDifferent(config, m + 4 * i, 4, _msi[i]);
            writes += WriteIfDifferent(config, m + 2, 2, _msi[0] >> 16);
        }
        if (Capabilities.MsiX is int x) writes += WriteIfDifferent(config, x + 2, 2, _msixControl);
        // HOOK(core): the one call site for restoring physical MSI/MSI-X (incl. the MSI-X table) after a reset.
        interrupts?.RestoreInterruptState(Function);
        if (_sriov is int v) writes += RestoreSriov(config, v);
        if (aerNative && Capabilities.PciExpress is int pe)
        {
            config.Write(Function, pe + PciExpressCapability.DeviceStatus, 2, 0x000F); // pcie_clear_device_status
            writes++;
        }
        return writes;
    }

    /// <summary>
    /// Linux <c>sriov_restore_state</c>: nothing when VF Enable survived; else ARI Capable Hierarchy
    /// first (First VF Offset and VF Stride depend on it, §9.3.3.3.5), System Page Size before the VF
    /// BARs (their size and alignment follow it, §9.3.3.13), NumVFs, then Control with VF Enable and
    /// VF MSE. The caller waits before touching the VFs (100 ms after VF Enable, §9.3.3.3.1).
    /// </summary>
    private int RestoreSriov(IConfigAccess config, int at)
    {
        uint control = config.Read(Function, at + SriovCapability.Control, 2);
        if ((control & SriovCapability.VfEnable) != 0) return 0;
        int writes = WriteIfDifferent(config, at + SriovCapability.Control, 2,
            (control & ~(uint)SriovCapability.AriCapableHierarchy) | (_sriovControl & (uint)SriovCapability.AriCapableHierarchy));
        writes += WriteIfDifferent(config, at + SriovCapability.SystemPageSize, 4, _systemPageSize);
        for (int i = 0; i < _vfBars.Length; i++) writes += WriteIfDifferent(config, at + SriovCapability.VfBar0 + 4 * i, 4, _vfBars[i]);
        writes += WriteIfDifferent(config, at + SriovCapability.NumVfs, 2, _numVfs);
        writes += WriteIfDifferent(config, at + SriovCapability.Control, 2, _sriovControl);
        return writes;
    }

    private int WriteIfDifferent(IConfigAccess config, int offset, int size, uint value)
    {
        uint mask = size == 4 ? 0xFFFF_FFFF : (1u << (8 * size)) - 1;
        if ((config.Read(Function, offset, size) & mask) == (value & mask)) return 0;
        config.Write(Function, offset, size, value & mask);
        return 1;
    }
}
