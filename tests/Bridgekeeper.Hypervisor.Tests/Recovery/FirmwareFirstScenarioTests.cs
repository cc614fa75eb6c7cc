using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using System.Buffers.Binary;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class FirmwareFirstScenarioTests
{
    private static readonly DomainId D1 = new(1), D2 = new(2);

    private static RecoveryRig FirmwareFirstRig() => new(new RecoveryOptions { AerNative = false });

    private static ulong ReadAck(RecoveryRig rig)
    {
        Span<byte> b = stackalloc byte[8];
        rig.Memory.Read(GhesAck, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private static uint BlockStatus(RecoveryRig rig)
    {
        Span<byte> b = stackalloc byte[4];
        rig.Memory.Read(GhesBlock, b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Any access to an AER register; reading the capability header while walking the list is not one.</summary>
    private static bool TouchesAer((SimTime, Sbdf, int Offset, int, bool Write, uint) a) =>
        a.Offset > FabricConfigSpaces.AerAt && a.Offset < FabricConfigSpaces.AerAt + AerCapability.RootPortLength
        || (a.Offset == FabricConfigSpaces.AerAt && a.Write);

    [Fact]
    public void Ghesv2_fatal_pcie_record_recovers_the_device_acknowledges_and_never_touches_aer_registers()
    {
        using var rig = FirmwareFirstRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(20)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Gsiv)]);
        rig.Run(1);
        rig.Fabric.Accesses.Clear();

        byte[] block = rig.FirmwareWritesGhes(A, cperSeverity: 1, flags: 0, AerCapability.MalformedTlp);
        rig.Gic.Raise(GhesSpi);
        rig.Run(1000);

        Assert.Equal(0u, BlockStatus(rig));
        Assert.Equal(1UL, ReadAck(rig));                      // (0 & ~1) | 1
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Contains(g1.Received, r => r.Kind == GuestRequestKind.Resume);
        Assert.DoesNotContain(rig.Fabric.Accesses, a => TouchesAer(a));
        // The firmware's CPER copy is what the guest sees in its shadow AER (option (b)).
        Assert.Equal(AerCapability.MalformedTlp, Assert.Single(g1.AerSeen).UncorStatus);
        var (errors, _) = RasLogReader.Read(rig.DatabasePath);
        var row = Assert.Single(errors);
        Assert.Equal(block, row.Raw);
        Assert.Equal("ghes:1", row.Path);
        Assert.Equal("fatal", row.Severity);
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void The_reset_flag_makes_a_recoverable_record_fatal()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.ExternalInterrupt)]);
        rig.FirmwareWritesGhes(A, cperSeverity: 0, flags: (byte)Bridgekeeper.Firmware.Cper.CperSectionDescriptor.Reset, AerCapability.CompletionTimeout);
        rig.Gic.Raise(GhesSpi);
        rig.Run(1000);
        Assert.Equal("fatal", rig.Sink.Detail(rig.Sink.OfKind(EventKinds.ErrorDetected).Single(), "severity"));
        Assert.Single(rig.Sink.OfKind(EventKinds.SbrAssert)); // fatal always resets, even if every owner could recover
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void A_repeated_record_is_stored_but_not_acted_on_twice()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Gsiv)]);
        rig.FirmwareWritesGhes(A, 0, 0, AerCapability.CompletionTimeout);
        rig.Gic.Raise(GhesSpi);
        rig.Run(300);
        rig.FirmwareWritesGhes(A, 0, 0, AerCapability.CompletionTimeout);
        rig.Gic.Raise(GhesSpi);
        rig.Run(300);
        Assert.Equal(1, rig.Ghes.Duplicates);
        Assert.Single(rig.Coordinator.History);
        var (errors, _) = RasLogReader.Read(rig.DatabasePath);
        Assert.Equal(2, errors.Count);
        Assert.Contains("duplicate", errors[1].DecodedJson);
    }

    [Fact]
    public void A_malformed_status_block_is_stored_released_and_not_acted_on()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Gsiv)]);
        rig.FirmwareWritesGhes(A, 1, 0, AerCapability.MalformedTlp);
        rig.Memory.Write(GhesBlock + 12, BitConverter.GetBytes(30u)); // data_length 30: neither 0 nor >= 64
        rig.Gic.Raise(GhesSpi);
        rig.Run(300);
        Assert.Equal(1, rig.Ghes.Invalid);
        Assert.Empty(rig.Coordinator.History);
        Assert.Equal(0u, BlockStatus(rig));
        Assert.Equal(1UL, ReadAck(rig));
        var (errors, _) = RasLogReader.Read(rig.DatabasePath);
        Assert.Contains("data_length", Assert.Single(errors).DecodedJson);
    }

    [Fact]
    public void Polled_sources_are_read_on_their_interval()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Polled, pollMs: 50)]);
        rig.Run(10);
        rig.FirmwareWritesGhes(A, 1, 0, AerCapability.MalformedTlp);
        rig.Run(30);
        Assert.Empty(rig.Sink.OfKind(EventKinds.ErrorDetected));
        rig.Run(20);
        Assert.Equal(SimTime.FromMilliseconds(50), rig.Sink.OfKind(EventKinds.ErrorDetected).Single().Time);
    }

    [Fact]
    public void Sea_notifications_arrive_as_exceptions()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Sea)]);
        rig.FirmwareWritesGhes(A, 1, 0, AerCapability.MalformedTlp);
        rig.Firmware.RaiseException((byte)NotificationType.Sea);
        rig.Run(1000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
    }

    [Fact]
    public void Sci_events_need_aml_so_only_the_hardware_domain_may_forward_them()
    {
        using var rig = FirmwareFirstRig();
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(5)));
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Sci)]);
        rig.FirmwareWritesGhes(A, 1, 0, AerCapability.MalformedTlp);
        Assert.False(rig.GhesRouter.ForwardedByHardwareDomain(D1));
        Assert.Empty(rig.Sink.OfKind(EventKinds.ErrorDetected));
        Assert.True(rig.GhesRouter.ForwardedByHardwareDomain(DomainId.Hardware));
        rig.Run(1000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
    }

    [Fact]
    public void Unsupported_notification_types_and_zero_poll_intervals_are_reported()
    {
        using var rig = FirmwareFirstRig();
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Nmi), rig.GhesSource(NotificationType.Polled, pollMs: 0)]);
        Assert.Equal(2, rig.GhesRouter.Warnings.Count);
    }

    [Fact]
    public void Option_a_gives_an_acpi_guest_a_virtual_ghes_record_naming_its_own_device_and_it_acknowledges()
    {
        using var rig = FirmwareFirstRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10), bySbrWrite: false), GuestNotificationStyle.VirtualGhes);
        var mailbox = rig.AddVirtualGhes(D1);
        rig.GhesRouter.Register([rig.GhesSource(NotificationType.Gsiv)]);
        rig.FirmwareWritesGhes(A, 0, 0, AerCapability.CompletionTimeout);
        rig.Gic.Raise(GhesSpi);
        rig.Run(1000);

        var record = Assert.Single(g1.GhesSeen);
        var entry = GuestRecords.Single(record);
        Assert.Equal(new Sbdf(0, 1, 0, 0), entry.Device);      // the guest's own address, not the host's
        Assert.Equal(ErrorSeverity.NonFatal, entry.Severity);
        Assert.Equal(AerCapability.CompletionTimeout, entry.UncorStatus);
        Assert.Contains(rig.Gic.Injected, i => i.Domain == D1 && i.VirtualIntId == mailbox.VirtualIntId);
        Assert.Equal(1, mailbox.Delivered);
        Assert.True(mailbox.Deliver(record));                  // acknowledged, so the next record is accepted
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        RecoveryInvariants.CheckAll(rig);
    }

    [Fact]
    public void Option_a_refuses_a_new_record_until_the_guest_acknowledged_the_last_as_qemu_does()
    {
        var gic = new TestGic();
        var mailbox = new VirtualGhesMailbox(D2, 0x4000_0000, 101, gic);
        byte[] block = Bridgekeeper.Firmware.Ghes.GhesPcieErrorBlockWriter.Write(new(0, 1, 0, 0, 0, 0, 0, 0, default, Bridgekeeper.Firmware.Cper.CperSeverity.Recoverable));
        Assert.True(mailbox.Deliver(block));
        Assert.False(mailbox.Deliver(block));
        Assert.Equal(1, mailbox.Refused);
        Span<byte> one = stackalloc byte[8];
        one[0] = 1;
        mailbox.Write(mailbox.ReadAckAddress, one);
        Assert.True(mailbox.Deliver(block));
        Assert.Equal(2, gic.Injected.Count);
    }

    [Fact]
    public void Native_option_a_notifies_an_acpi_guest_of_a_native_error_too()
    {
        using var rig = new RecoveryRig();
        var g1 = rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(5)), GuestNotificationStyle.VirtualGhes);
        rig.AddVirtualGhes(D1);
        rig.RaiseNative(A, AerCapability.UnsupportedRequest);
        rig.Run(500);
        Assert.Equal(AerCapability.UnsupportedRequest, GuestRecords.Single(Assert.Single(g1.GhesSeen)).UncorStatus);
        RecoveryInvariants.CheckAll(rig);
    }
}

public sealed class GhesSourceDescriptorTests
{
    [Fact]
    public void A_hest_ghesv2_entry_maps_to_its_notification_addresses_and_read_ack()
    {
        var ghes = new HestGhes(7, HestGhes.NoRelatedSource, 0, 1, 1, 1, 1024,
            Bridgekeeper.Firmware.Acpi.GenericAddress.SystemMemory64(0x1000_0000),
            HardwareErrorNotification.Of(NotificationType.Gsiv, vector: 60), 4096,
            new GhesReadAck(Bridgekeeper.Firmware.Acpi.GenericAddress.SystemMemory64(0x1000_0008), ~1UL, 1));
        var d = GhesSourceDescriptor.From(ghes);
        Assert.Equal((ushort)7, d.SourceId);
        Assert.Equal(NotificationType.Gsiv, d.Notify);
        Assert.Equal(60u, d.Vector);
        Assert.Equal(0x1000_0000UL, d.ErrorStatusAddress);
        Assert.Equal(4096u, d.ErrorBlockLength);
        Assert.True(d.IsVersion2);
        Assert.Equal(0x1000_0008UL, d.ReadAck!.Address);
        Assert.Equal(1UL, d.ReadAck.Acknowledge(0));
    }
}
