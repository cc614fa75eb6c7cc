using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Hypervisor.Tests.Recovery.Rig;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform.Guests;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.RecoveryRig;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

public sealed class AerIntakeTests
{
    private static readonly DomainId D1 = new(1);

    [Fact]
    public void The_root_status_is_written_back_before_the_devices_are_read()
    {
        using var rig = new RecoveryRig();
        rig.Gic.Raise(Rp1Spi); // spurious: walks the root port's capabilities once
        rig.Fabric.InjectUncorrectable(A, AerCapability.CompletionTimeout);
        rig.Fabric.Accesses.Clear();
        rig.Gic.Raise(Rp1Spi);
        var first = rig.Fabric.Accesses.Take(3).ToList();
        Assert.Equal((Rp1, FabricConfigSpaces.AerAt + AerCapability.RootErrorStatus, false), (first[0].Function, first[0].Offset, first[0].Write));
        Assert.Equal((Rp1, FabricConfigSpaces.AerAt + AerCapability.ErrorSourceId, false), (first[1].Function, first[1].Offset, first[1].Write));
        Assert.Equal((Rp1, FabricConfigSpaces.AerAt + AerCapability.RootErrorStatus, true), (first[2].Function, first[2].Offset, first[2].Write));
    }

    [Fact]
    public void A_device_log_holds_status_mask_severity_first_error_pointer_and_header()
    {
        using var rig = new RecoveryRig();
        rig.Assign(A, D1, GuestDriverProfile.CanRecover(SimTime.FromMilliseconds(1)));
        rig.RaiseNative(A, AerCapability.UnsupportedRequest);
        var (errors, _) = RasLogReader.Read(rig.DatabasePath);
        var row = Assert.Single(errors);
        var log = AerRegisterBlob.Decode(A, ErrorSeverity.NonFatal, row.Raw);
        Assert.Equal(AerCapability.UnsupportedRequest, log.UncorStatus);
        Assert.Equal(AerCapability.DefaultSeverity, log.UncorSeverity);
        Assert.Equal(20, log.FirstErrorPointer);
        Assert.Equal(0x4000_0001u, log.HeaderLog[0]);             // UR logs the TLP header
        Assert.Contains("\"first_error_pointer\":20", row.DecodedJson);
    }

    [Fact]
    public void Multiple_errors_are_found_by_scanning_status_when_the_source_id_cannot_name_them_all()
    {
        using var rig = new RecoveryRig();
        rig.Fabric.InjectUncorrectable(A, AerCapability.CompletionTimeout);
        rig.Fabric.InjectUncorrectable(C, AerCapability.CompletionTimeout); // second message sets MULTI
        var caps = new CapabilityCache(rig.Fabric);
        var locator = new AerSourceLocator(rig.Fabric, caps, rig.Fabric);
        Span<Sbdf> found = stackalloc Sbdf[5];
        int n = locator.Locate(Rp1, A.RequesterId, ErrorSeverity.NonFatal, multiple: true, found);
        Assert.Equal([A, C], found[..n].ToArray());
    }

    [Fact]
    public void A_source_id_on_bus_zero_falls_back_to_the_status_scan()
    {
        using var rig = new RecoveryRig();
        rig.Fabric.InjectUncorrectable(B, AerCapability.CompletionTimeout);
        var locator = new AerSourceLocator(rig.Fabric, new CapabilityCache(rig.Fabric), rig.Fabric);
        Span<Sbdf> found = stackalloc Sbdf[5];
        int n = locator.Locate(Rp1, new RequesterId(0), ErrorSeverity.NonFatal, multiple: false, found);
        Assert.Equal([B], found[..n].ToArray());
    }

    [Fact]
    public void A_trustworthy_source_id_names_exactly_one_function()
    {
        using var rig = new RecoveryRig();
        rig.Fabric.InjectUncorrectable(B, AerCapability.CompletionTimeout);
        rig.Fabric.InjectUncorrectable(C, AerCapability.CompletionTimeout);
        var locator = new AerSourceLocator(rig.Fabric, new CapabilityCache(rig.Fabric), rig.Fabric);
        Span<Sbdf> found = stackalloc Sbdf[5];
        Assert.Equal(1, locator.Locate(Rp1, C.RequesterId, ErrorSeverity.NonFatal, multiple: false, found));
        Assert.Equal(C, found[0]);
    }

    [Fact]
    public void At_most_five_sources_are_collected()
    {
        var loop = new TestEventLoop();
        var fabric = new TestFabric(loop);
        fabric.Add(Rp1, FabricConfigSpaces.RootPort(1));
        for (int d = 0; d < 7; d++)
        {
            var f = new Sbdf(0, 1, d, 0);
            fabric.Add(f, FabricConfigSpaces.Endpoint((ushort)(0x100 + d), false), Rp1);
            fabric.InjectUncorrectable(f, AerCapability.CompletionTimeout);
        }
        var locator = new AerSourceLocator(fabric, new CapabilityCache(fabric), fabric);
        var found = new Sbdf[8];
        Assert.Equal(AerSourceLocator.MaxDevices, locator.Locate(Rp1, new RequesterId(0), ErrorSeverity.NonFatal, true, found));
    }

    [Fact]
    public void An_interrupt_with_nothing_in_root_error_status_is_spurious()
    {
        using var rig = new RecoveryRig();
        rig.Gic.Raise(Rp1Spi);
        Assert.Equal(1, rig.Native.Spurious);
        Assert.Empty(rig.Sink.Events);
    }

    [Fact]
    public void Correctable_errors_are_cleared_every_time_but_logged_only_up_to_the_burst()
    {
        using var rig = new RecoveryRig(correctableBurst: 3);
        for (int i = 0; i < 50; i++)
        {
            rig.RaiseNativeCorrectable(D, AerCapability.BadTlp);
            Assert.Equal(0u, rig.Fabric[D].Config.Read(FabricConfigSpaces.AerAt + AerCapability.CorrectableStatus, 4));
            Assert.Equal(0u, rig.Fabric[D].Config.Read(FabricConfigSpaces.PcieAt + PciExpressCapability.DeviceStatus, 2) & 0xF);
        }
        Assert.Equal(3, rig.Sink.OfKind(EventKinds.ErrorDetected).Count());
        Assert.Equal(50, rig.Intake.CorrectableSeen);
        Assert.Equal(47, rig.Intake.Limiter.Suppressed);
        rig.Run(1001); // next window: the summary rides on the next logged error
        rig.RaiseNativeCorrectable(D, AerCapability.BadTlp);
        Assert.Equal(47L, rig.Sink.Detail(rig.Sink.OfKind(EventKinds.ErrorDetected).Last(), "suppressed_before"));
    }

    [Fact]
    public void An_uncorrectable_error_during_a_correctable_storm_is_handled_at_once()
    {
        using var rig = new RecoveryRig(correctableBurst: 5);
        rig.Assign(A, D1, GuestDriverProfile.Cooperative(SimTime.FromMilliseconds(10)));
        for (int i = 0; i < 10_000; i++)
        {
            rig.Fabric.InjectCorrectable(D, AerCapability.ReceiverError);
            if (i == 5_000) rig.Fabric.InjectUncorrectable(A, AerCapability.MalformedTlp);
            if (i == 5_000) rig.Gic.Raise(Rp1Spi);
            rig.Gic.Raise(Rp2Spi);
        }
        var detected = rig.Sink.OfKind(EventKinds.ErrorDetected).Single(e => e.Device == A);
        Assert.Equal(SimTime.Zero, detected.Time);
        Assert.Single(rig.Coordinator.History);
        rig.Run(1000);
        Assert.Single(rig.Sink.OfKind(EventKinds.RecoveryComplete));
        Assert.Equal(10_000, rig.Intake.CorrectableSeen);
        RecoveryInvariants.CheckAll(rig);
    }
}

public sealed class TopologyRecoveryViewTests
{
    [Fact]
    public void An_endpoint_error_resets_everything_below_its_upstream_port()
    {
        using var rig = new RecoveryRig();
        var scope = rig.View.ScopeOf(B);
        Assert.Equal(Rp1, scope.Bridge);
        Assert.Equal([A, B, C], scope.Functions.ToArray());
    }

    [Fact]
    public void A_root_port_error_resets_its_own_secondary_bus()
    {
        using var rig = new RecoveryRig();
        var scope = rig.View.ScopeOf(Rp2);
        Assert.Equal(Rp2, scope.Bridge);
        Assert.Equal([D], scope.Functions.ToArray());
        Assert.Equal(PciePortType.RootPort, rig.View.PortTypeOf(Rp2));
        Assert.Equal(PciePortType.Endpoint, rig.View.PortTypeOf(D));
    }
}
