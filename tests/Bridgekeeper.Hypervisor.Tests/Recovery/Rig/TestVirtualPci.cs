using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.FabricConfigSpaces;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// Stand-in for vPCI until it is merged: each guest sees a virtual root port with shadow AER registers
/// (real ConfigSpace models, so RW1C works) and its virtual devices; guest config accesses never reach
/// the physical fabric; a guest SBR write is trapped and reported to recovery.
/// </summary>
public sealed class TestVirtualPci(TestGic gic) : IHypervisorEntry, IShadowAerNotifier
{
    public const uint AerVirtualIntId = 100;
    public static readonly Sbdf VirtualRootPort = new(0, 0, 1, 0);

    private readonly Dictionary<(DomainId, Sbdf), ConfigSpace> _virtual = [];

    public RecoveryCoordinator? Recovery { get; set; }

    public int TrappedSbrWrites { get; private set; }

    public void AddGuestDevice(DomainId domain, Sbdf virtualDevice)
    {
        if (!_virtual.ContainsKey((domain, VirtualRootPort))) _virtual[(domain, VirtualRootPort)] = RootPort(1);
        _virtual[(domain, virtualDevice)] = Endpoint(0x2000, false);
    }

    public ConfigSpace VirtualConfig(DomainId domain, Sbdf device) => _virtual[(domain, device)];

    public uint ConfigRead(DomainId domain, Sbdf device, int offset, int size) =>
        _virtual.TryGetValue((domain, device), out var cs) ? cs.Read(offset, size) : size == 4 ? 0xFFFF_FFFF : (1u << (8 * size)) - 1;

    public void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value)
    {
        if (!_virtual.TryGetValue((domain, device), out var cs)) return;
        bool before = device == VirtualRootPort && (cs.Read(ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        cs.Write(offset, size, value);
        bool after = device == VirtualRootPort && (cs.Read(ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        if (after && !before)
        {
            TrappedSbrWrites++;
            Recovery?.OnGuestRequestedSecondaryBusReset(domain, device);
        }
    }

    public void Reply(DomainId domain, long requestId, RecoveryVote vote) => Recovery?.Reply(domain, requestId, vote);

    public void Quiesced(DomainId domain, Sbdf virtualDevice) => Recovery?.Quiesced(domain, virtualDevice);

    public void RaiseError(DomainId domain, Sbdf virtualDevice, DeviceErrorLog log)
    {
        var dev = _virtual[(domain, virtualDevice)];
        dev.SetBits(AerAt + AerCapability.UncorrectableStatus, 4, log.UncorStatus & ~log.UncorMask);
        dev.SetBits(AerAt + AerCapability.CorrectableStatus, 4, log.CorStatus & ~log.CorMask);
        for (int i = 0; i < 4; i++) dev.Store(AerAt + AerCapability.HeaderLog + 4 * i, 4, log.HeaderLog[i]);
        var rp = _virtual[(domain, VirtualRootPort)];
        uint bits = log.Severity switch
        {
            ErrorSeverity.Correctable => AerCapability.ErrCorReceived,
            ErrorSeverity.Fatal => AerCapability.ErrFatalNonFatalReceived | AerCapability.FatalMessagesReceived | AerCapability.FirstUncorrectableFatal,
            _ => AerCapability.ErrFatalNonFatalReceived | AerCapability.NonFatalMessagesReceived,
        };
        rp.SetBits(AerAt + AerCapability.RootErrorStatus, 4, bits);
        uint rid = virtualDevice.RequesterId.Value;
        rp.Store(AerAt + AerCapability.ErrorSourceId, 4, log.Severity == ErrorSeverity.Correctable ? rid : rid << 16);
        gic.InjectVirtual(domain, 0, AerVirtualIntId);
    }
}
