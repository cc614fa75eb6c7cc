using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// One PCI function of the simulated machine: its config space (the shared <see cref="ConfigSpace"/>
/// model), where it sits (bus and device/function number), the bus behind it when it is a bridge,
/// its readiness state and timing, and the capability offsets the hardware behaviour needs. Its
/// address is derived from the fabric each time (a bridge's Secondary Bus Number is a register
/// software can change and a reset clears), never stored.
/// </summary>
public sealed class SimFunction
{
    private readonly WriteEffect[] _effects;
    private SimBus? _secondaryBus;

    public SimFunction(string name, ConfigSpace config, FunctionReadiness readiness)
    {
        Name = name;
        Config = config;
        Readiness = readiness;
        var bytes = config.Bytes;
        PcieCapability = CapabilityList.FindStandard(bytes, CapabilityId.PciExpress) ?? 0;
        if (config.IsExtended)
        {
            AerCapability = CapabilityList.FindExtended(bytes, ExtendedCapabilityId.AdvancedErrorReporting) ?? 0;
            SriovCapability = CapabilityList.FindExtended(bytes, ExtendedCapabilityId.SingleRootIov) ?? 0;
            RtrCapability = CapabilityList.FindExtended(bytes, ExtendedCapabilityId.ReadinessTimeReporting) ?? 0;
            FrsCapability = CapabilityList.FindExtended(bytes, ExtendedCapabilityId.FrsQueueing) ?? 0;
        }
        MsiCapability = CapabilityList.FindStandard(bytes, CapabilityId.Msi) ?? 0;
        PmCapability = CapabilityList.FindStandard(bytes, CapabilityId.PowerManagement) ?? 0;
        MsixCapability = CapabilityList.FindStandard(bytes, CapabilityId.MsiX) ?? 0;
        _effects = new WriteEffect[config.Size / 4];
        RegisterEffects();
    }

    public string Name { get; }

    public ConfigSpace Config { get; }

    public FunctionReadiness Readiness { get; set; }

    /// <summary>The bus the function sits on (null until attached).</summary>
    public SimBus? Bus { get; internal set; }

    public byte DevFn { get; internal set; }

    /// <summary>The bus behind this bridge, or null for a Type 0 function.</summary>
    public SimBus? SecondaryBus
    {
        get => _secondaryBus;
        internal set
        {
            _secondaryBus = value;
            Bus?.RefreshBridges();
        }
    }

    public int PcieCapability { get; }

    public int AerCapability { get; }

    public int SriovCapability { get; }

    public int RtrCapability { get; }

    /// <summary>Offset of the FRS Queueing capability (§7.8.10; Root Ports and RCECs), or 0.</summary>
    public int FrsCapability { get; }

    public int MsiCapability { get; }

    public int MsixCapability { get; }

    /// <summary>Offset of the PCI Power Management capability (§7.5.2), or 0.</summary>
    public int PmCapability { get; }

    public bool IsPcie => PcieCapability != 0;

    public bool IsBridge => ConfigBytes.HeaderType(Config.Bytes) == 1;

    public PciePortType? PortType => IsPcie ? (PciePortType)((Config.Bytes[PcieCapability + 2] >> 4) & 0xF) : null;

    /// <summary>Root port or RCEC: has Root Error Command/Status (PCIe Base 6.0 §7.8.4.9).</summary>
    public bool HasRootErrorRegisters => PortType is PciePortType.RootPort or PciePortType.RCEC;

    /// <summary>A port whose link leads down (root port, switch downstream port).</summary>
    public bool IsDownstreamPort => PortType is PciePortType.RootPort or PciePortType.DownstreamPort;

    /// <summary>The PF of a VF, or null.</summary>
    public SimFunction? PhysicalFunction { get; internal set; }

    /// <summary>The VFs this PF currently exposes (empty unless VF Enable is set and the delay has passed).</summary>
    public List<SimFunction> VirtualFunctions { get; } = [];

    /// <summary>For an SR-IOV PF: builds the config space of VF n (1-based) when VF Enable is set.</summary>
    public Func<int, ConfigSpace>? VirtualFunctionConfig { get; set; }

    /// <summary>Removed from the fabric (surprise removal): reads all ones, ignores writes.</summary>
    public bool Removed { get; internal set; }

    /// <summary>Held in reset (Secondary Bus Reset asserted above it, link down, or FLR in progress).</summary>
    public bool InReset { get; internal set; }

    /// <summary>Configuration-Ready from this time; before it the function answers RRS (PCIe Base 6.0 §2.3.1).</summary>
    public SimTime ReadyAt { get; internal set; }

    /// <summary>For a downstream port: the link to the component below is up (Data Link Layer Link Active).</summary>
    public bool LinkUp { get; internal set; } = true;

    /// <summary>For a downstream port: link training time overriding <see cref="LinkTiming"/>.</summary>
    public SimTime? LinkTrainingTime { get; set; }

    /// <summary>AER multiple header recording queue (QEMU's PCIEAERLog, PCIe Base 6.0 §6.2.4.2).</summary>
    internal Queue<AerErrorRecord> AerLog { get; } = new();

    /// <summary>FRS Message Queue entries, oldest first, as the FRS Message Queue register shows them (§6.22.3).</summary>
    internal Queue<uint> FrsQueue { get; } = new();

    /// <summary>Counts resets of this function, so a readiness message scheduled before a newer reset is not sent.</summary>
    internal int ResetEpoch { get; set; }

    /// <summary>Maximum queued headers before Header Log Overflow (QEMU's default log_max of 8).</summary>
    public int AerLogCapacity { get; set; } = 8;

    /// <summary>The wired interrupt (SPI) of a root port's AER and PME, when it has one.</summary>
    public uint? WiredInterrupt { get; set; }

    /// <summary>The function's INTx as its device logic drives it (before Interrupt Disable; <see cref="IntxRouter"/>).</summary>
    public bool IntxAsserted { get; internal set; }

    /// <summary>Firmware-first: AER messages reaching this root port go to platform firmware (HEST).</summary>
    public bool FirmwareFirst { get; set; }

    /// <summary>Current address, derived from the fabric's bus numbers.</summary>
    public Sbdf Address => Bus is null ? default : new Sbdf(Bus.HostBridge.Segment, Bus.Number, DevFn);

    /// <summary>The bridge above this function, or null on a root bus.</summary>
    public SimFunction? UpstreamBridge => Bus?.Bridge;

    internal WriteEffect EffectAt(int offset) => _effects[offset >> 2];

    /// <summary>Every function below this bridge, depth first (empty for Type 0).</summary>
    public IEnumerable<SimFunction> Descendants()
    {
        if (SecondaryBus is null) yield break;
        foreach (var f in SecondaryBus.Functions)
        {
            yield return f;
            foreach (var d in f.Descendants()) yield return d;
        }
    }

    public override string ToString() => $"{Name} ({Address})";

    private void RegisterEffects()
    {
        Set(ConfigHeader.Command, WriteEffect.Command);
        if (IsBridge)
        {
            Set(ConfigHeader.PrimaryBus, WriteEffect.BusNumbers);
            Set(ConfigHeader.BridgeControl, WriteEffect.BridgeControl);
        }
        if (PcieCapability != 0)
        {
            Set(PcieCapability + PciExpressCapability.DeviceControl, WriteEffect.DeviceControl);
            Set(PcieCapability + PciExpressCapability.LinkControl, WriteEffect.LinkControl);
        }
        if (PmCapability != 0) Set(PmCapability + PowerManagementCapability.ControlStatus, WriteEffect.PowerControlStatus);
        if (SriovCapability != 0)
        {
            Set(SriovCapability + Bridgekeeper.Pci.SriovCapability.Control, WriteEffect.SriovControl);
        }
        if (FrsCapability != 0)
        {
            Set(FrsCapability + FrsQueueingCapability.Status, WriteEffect.FrsStatusControl);
            Set(FrsCapability + FrsQueueingCapability.MessageQueue, WriteEffect.FrsMessageQueue);
        }
        if (AerCapability != 0)
        {
            Set(AerCapability + Bridgekeeper.Pci.AerCapability.UncorrectableStatus, WriteEffect.AerUncorrectableStatus);
            if (HasRootErrorRegisters)
            {
                Set(AerCapability + Bridgekeeper.Pci.AerCapability.RootErrorCommand, WriteEffect.RootErrorCommand);
                Set(AerCapability + Bridgekeeper.Pci.AerCapability.RootErrorStatus, WriteEffect.RootErrorStatus);
            }
        }
    }

    private void Set(int offset, WriteEffect effect) => _effects[offset >> 2] = effect;
}
