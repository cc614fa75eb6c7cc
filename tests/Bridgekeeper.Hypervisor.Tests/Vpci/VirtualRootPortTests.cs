using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

public class VirtualRootPortTests
{
    private static readonly Sbdf PortV = Sbdf.Parse("00:00.0");
    private static readonly Sbdf NicV = Sbdf.Parse("01:00.0");
    private const int Pcie = 0x70;

    private sealed class RecordingHooks : IRecoveryHooks
    {
        public List<(DomainId, Sbdf)> Resets { get; } = [];
        public List<(DomainId, long, RecoveryVote)> Replies { get; } = [];
        public List<(DomainId, Sbdf)> Quiesced { get; } = [];
        public void OnGuestRequestedSecondaryBusReset(DomainId domain, Sbdf virtualDevice) => Resets.Add((domain, virtualDevice));
        public void OnGuestReply(DomainId domain, long requestId, RecoveryVote vote) => Replies.Add((domain, requestId, vote));
        public void OnGuestQuiesced(DomainId domain, Sbdf virtualDevice) => Quiesced.Add((domain, virtualDevice));
    }

    private static (PassthroughRig Rig, VirtualRootPort Port) Setup(bool deviceReporting = true, bool rootReporting = true)
    {
        var rig = new PassthroughRig(ErrorNotification.VirtualRootPort);
        Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
        if (deviceReporting) rig.Hypervisor.ConfigWrite(Guest1, NicV, Pcie + PciExpressCapability.DeviceControl, 2, 0x000F);
        if (rootReporting) rig.Hypervisor.ConfigWrite(Guest1, PortV, 0x100 + AerCapability.RootErrorCommand, 4, 0x7);
        return (rig, rig.Hypervisor.RootPortOf(Nic0)!);
    }

    private static readonly AerErrorSnapshot Poisoned = new(AerCapability.PoisonedTlpReceived, 0, 0, 12, 0x4A00_0001, 0x0100_000F, 0xE000_1100, 0);

    [Fact]
    public void An_uncorrectable_error_sets_the_shadow_registers_of_device_and_port_and_injects_the_port_interrupt()
    {
        var (rig, port) = Setup();
        Assert.Equal(VirtualErrorOutcome.InterruptInjected, port.RaiseError(ErrorSeverity.NonFatal, Poisoned));
        uint R(Sbdf v, int off, int size = 4) => rig.Hypervisor.ConfigRead(Guest1, v, off, size);
        Assert.Equal(AerCapability.PoisonedTlpReceived, R(NicV, 0x104));
        Assert.Equal(12u, R(NicV, 0x118) & AerCapability.FirstErrorPointerMask);
        Assert.Equal(0x4A00_0001u, R(NicV, 0x11C));
        Assert.Equal(0xE000_1100u, R(NicV, 0x124));
        Assert.Equal((uint)PciExpressCapability.DevStaNonFatalDetected, R(NicV, Pcie + PciExpressCapability.DeviceStatus, 2) & 0xF);
        uint rootStatus = R(PortV, 0x100 + AerCapability.RootErrorStatus);
        Assert.Equal(AerCapability.ErrFatalNonFatalReceived | AerCapability.NonFatalMessagesReceived, rootStatus);
        Assert.Equal(0x0100u, R(PortV, 0x100 + AerCapability.ErrorSourceId) >> 16); // 01:00.0
        Assert.NotEqual(0u, R(PortV, ConfigHeader.SecondaryStatus, 2) & ConfigHeader.StatusSystemError);
        Assert.Equal([(Guest1, 0, port.VirtualIntId)], rig.Interrupts.Injected);
    }

    [Fact]
    public void Raising_an_error_never_touches_physical_config_space()
    {
        var (rig, port) = Setup();
        var before = rig.Fabric.Snapshot();
        port.RaiseError(ErrorSeverity.Fatal, Poisoned);
        port.RaiseError(ErrorSeverity.Correctable, new AerErrorSnapshot(0, 0, AerCapability.BadTlp, 0, 0, 0, 0, 0));
        Assert.Equal(before, rig.Fabric.Snapshot());
    }

    [Fact]
    public void A_second_uncorrectable_error_sets_multiple_and_keeps_the_first_source_and_header()
    {
        var (rig, port) = Setup();
        port.RaiseError(ErrorSeverity.Fatal, Poisoned);
        port.RaiseError(ErrorSeverity.Fatal, new AerErrorSnapshot(AerCapability.CompletionTimeout, 0, 0, 14, 0x1111, 0, 0, 0));
        uint status = rig.Hypervisor.ConfigRead(Guest1, PortV, 0x100 + AerCapability.RootErrorStatus, 4);
        Assert.NotEqual(0u, status & AerCapability.MultipleErrFatalNonFatalReceived);
        Assert.NotEqual(0u, status & AerCapability.FirstUncorrectableFatal);
        Assert.Equal(0x4A00_0001u, rig.Hypervisor.ConfigRead(Guest1, NicV, 0x11C, 4));
        Assert.Equal(12u, rig.Hypervisor.ConfigRead(Guest1, NicV, 0x118, 4) & 0x1F);
    }

    [Fact]
    public void A_correctable_error_records_err_cor_and_its_source_in_the_low_half()
    {
        var (rig, port) = Setup();
        Assert.Equal(VirtualErrorOutcome.InterruptInjected, port.RaiseError(ErrorSeverity.Correctable, new AerErrorSnapshot(0, 0, AerCapability.BadTlp, 0, 0, 0, 0, 0)));
        Assert.Equal(AerCapability.BadTlp, rig.Hypervisor.ConfigRead(Guest1, NicV, 0x110, 4));
        Assert.Equal(AerCapability.ErrCorReceived, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x130, 4));
        Assert.Equal(0x0100u, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x134, 4) & 0xFFFF);
    }

    [Fact]
    public void A_masked_error_sets_status_only_and_sends_nothing()
    {
        var (rig, port) = Setup();
        rig.Hypervisor.ConfigWrite(Guest1, NicV, 0x108, 4, AerCapability.PoisonedTlpReceived);
        Assert.Equal(VirtualErrorOutcome.Masked, port.RaiseError(ErrorSeverity.NonFatal, Poisoned));
        Assert.Equal(AerCapability.PoisonedTlpReceived, rig.Hypervisor.ConfigRead(Guest1, NicV, 0x104, 4));
        Assert.Equal(0u, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x130, 4));
        Assert.Empty(rig.Interrupts.Injected);
    }

    [Fact]
    public void Without_device_reporting_enabled_no_message_reaches_the_port()
    {
        var (rig, port) = Setup(deviceReporting: false);
        Assert.Equal(VirtualErrorOutcome.ReportingDisabled, port.RaiseError(ErrorSeverity.NonFatal, Poisoned));
        Assert.Equal(0u, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x130, 4));
        Assert.Empty(rig.Interrupts.Injected);
    }

    [Fact]
    public void Without_root_error_command_enabled_the_port_latches_but_raises_no_interrupt()
    {
        var (rig, port) = Setup(rootReporting: false);
        Assert.Equal(VirtualErrorOutcome.RootInterruptDisabled, port.RaiseError(ErrorSeverity.NonFatal, Poisoned));
        Assert.NotEqual(0u, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x130, 4));
        Assert.Empty(rig.Interrupts.Injected);
    }

    [Fact]
    public void The_guest_clears_its_shadow_status_with_rw1c_writes()
    {
        var (rig, port) = Setup();
        port.RaiseError(ErrorSeverity.NonFatal, Poisoned);
        rig.Hypervisor.ConfigWrite(Guest1, NicV, 0x104, 4, AerCapability.PoisonedTlpReceived);
        rig.Hypervisor.ConfigWrite(Guest1, PortV, 0x130, 4, 0x7F);
        rig.Hypervisor.ConfigWrite(Guest1, NicV, Pcie + PciExpressCapability.DeviceStatus, 2, 0xF);
        Assert.Equal(0u, rig.Hypervisor.ConfigRead(Guest1, NicV, 0x104, 4));
        Assert.Equal(0u, rig.Hypervisor.ConfigRead(Guest1, PortV, 0x130, 4));
        Assert.Equal(0u, rig.Hypervisor.ConfigRead(Guest1, NicV, Pcie + PciExpressCapability.DeviceStatus, 2) & 0xF);
        Assert.Equal(AerCapability.PoisonedTlpReceived, rig.Fabric.Read(Nic0, 0x104, 4)); // physical untouched
    }

    [Fact]
    public void A_cper_aer_info_block_fills_the_snapshot_in_firmware_first_mode()
    {
        var block = new byte[AerErrorSnapshot.CperAerInfoLength];
        BitConverter.TryWriteBytes(block.AsSpan(0x04), AerCapability.MalformedTlp);
        BitConverter.TryWriteBytes(block.AsSpan(0x18), 18u);
        BitConverter.TryWriteBytes(block.AsSpan(0x1C), 0x7400_0001u);
        var s = AerErrorSnapshot.FromCperAerInfo(block, "cper#1");
        Assert.Equal(AerCapability.MalformedTlp, s.UncorrectableStatus);
        Assert.Equal(18, s.FirstErrorPointer);
        Assert.Equal(0x7400_0001u, s.HeaderLog0);
        var e = Assert.Throws<AerInfoFormatException>(() => AerErrorSnapshot.FromCperAerInfo(block.AsSpan(0, 20), "cper#2"));
        Assert.Contains("cper#2", e.Message);
        Assert.Contains("AER Info", e.Message);
    }

    [Fact]
    public void The_physical_snapshot_reads_the_device_aer_registers()
    {
        var rig = new PassthroughRig();
        var s = AerErrorSnapshot.ReadPhysical(rig.Fabric, Nic0, 0x100);
        Assert.Equal(AerCapability.PoisonedTlpReceived, s.UncorrectableStatus);
        Assert.Equal(AerCapability.ReceiverError, s.CorrectableStatus);
        Assert.Equal(12, s.FirstErrorPointer);
    }

    [Fact]
    public void A_guest_secondary_bus_reset_is_trapped_recorded_and_handed_to_recovery_never_to_hardware()
    {
        var (rig, _) = Setup();
        var hooks = new RecordingHooks();
        rig.Hypervisor.RecoveryHooks = hooks;
        var before = rig.Fabric.Snapshot();
        rig.Hypervisor.ConfigWrite(Guest1, PortV, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset);
        rig.Hypervisor.ConfigWrite(Guest1, PortV, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSecondaryBusReset); // still set: no second request
        Assert.Equal([(Guest1, NicV)], hooks.Resets);
        Assert.Equal((uint)ConfigHeader.BridgeControlSecondaryBusReset, rig.Hypervisor.ConfigRead(Guest1, PortV, ConfigHeader.BridgeControl, 2) & 0x40);
        rig.Hypervisor.ConfigWrite(Guest1, PortV, ConfigHeader.BridgeControl, 2, 0);
        rig.Hypervisor.ConfigWrite(Guest1, PortV, 0x3C, 4, ConfigHeader.BridgeControlSecondaryBusReset << 16);
        Assert.Equal(2, hooks.Resets.Count);
        Assert.Equal(before, rig.Fabric.Snapshot());
        Assert.Equal(2, rig.Events.OfKind(HypervisorEventKinds.GuestSecondaryBusReset).Count());
    }

    [Fact]
    public void Replies_and_quiesced_calls_reach_the_recovery_hooks()
    {
        var (rig, _) = Setup();
        var hooks = new RecordingHooks();
        rig.Hypervisor.RecoveryHooks = hooks;
        rig.Hypervisor.Reply(Guest1, 7, RecoveryVote.NeedReset);
        rig.Hypervisor.Quiesced(Guest1, NicV);
        Assert.Equal([(Guest1, 7L, RecoveryVote.NeedReset)], hooks.Replies);
        Assert.Equal([(Guest1, NicV)], hooks.Quiesced);
    }
}
