using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>AER logging and message propagation on the built-in machine (native and firmware-first).</summary>
public class AerSignallingTests
{
    private static SimulatedMachine Fresh() => SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    // What Linux's AER service does at probe: every reporting enable on the path, SERR# through bridges, root command on.
    private static void EnableReporting(SimulatedMachine m, SimFunction device)
    {
        for (var f = device; f is not null; f = f.UpstreamBridge)
        {
            m.Config.Write(f.Address, 0x04, 2, m.Config.Read(f.Address, 0x04, 2) | ConfigHeader.CommandSerrEnable);
            m.Config.Write(f.Address, f.PcieCapability + Pcie.DeviceControl, 2, m.Config.Read(f.Address, f.PcieCapability + Pcie.DeviceControl, 2) | 0xF);
            if (f.IsBridge) m.Config.Write(f.Address, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSerrEnable);
            if (f.HasRootErrorRegisters) m.Config.Write(f.Address, f.AerCapability + Aer.RootErrorCommand, 4, 0x7);
        }
    }

    [Fact]
    public void A_fatal_error_behind_a_switch_reaches_the_root_port_and_raises_its_wired_interrupt_once()
    {
        var m = Fresh();
        var nvme = m["nvme0"];
        var rp = m["rp0"];
        EnableReporting(m, nvme);
        int interrupts = 0;
        m.Gic.OnSpi(64, () => interrupts++);
        m.InjectAerError(nvme.Address, Aer.MalformedTlp, correctable: false);
        m.EventLoop.RunUntilIdle();
        uint rootStatus = rp.Config.ReadUInt32(rp.AerCapability + Aer.RootErrorStatus);
        Assert.Equal(Aer.ErrFatalNonFatalReceived | Aer.FirstUncorrectableFatal | Aer.FatalMessagesReceived, rootStatus & 0x7F);
        Assert.Equal((uint)nvme.Address.RequesterId.Value << 16, rp.Config.ReadUInt32(rp.AerCapability + Aer.ErrorSourceId));
        Assert.Equal(ConfigHeader.StatusSystemError, m["usp"].Config.ReadUInt16(ConfigHeader.SecondaryStatus) & ConfigHeader.StatusSystemError);
        Assert.Equal(1, interrupts);

        m.InjectAerError(nvme.Address, Aer.DataLinkProtocolError, correctable: false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(1, interrupts); // condition already true: no new edge (§6.2.4.1.2)
        Assert.Equal(Aer.MultipleErrFatalNonFatalReceived, rp.Config.ReadUInt32(rp.AerCapability + Aer.RootErrorStatus) & Aer.MultipleErrFatalNonFatalReceived);

        m.Config.Write(rp.Address, rp.AerCapability + Aer.RootErrorStatus, 4, 0x7F); // software clears: line drops
        Assert.False(m.Gic.IsSpiAsserted(64));
        m.InjectAerError(nvme.Address, Aer.MalformedTlp, correctable: false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(2, interrupts);
    }

    [Fact]
    public void No_message_leaves_a_function_whose_reporting_is_disabled()
    {
        var m = Fresh();
        var nvme = m["nvme0"];
        m.InjectAerError(nvme.Address, Aer.MalformedTlp, correctable: false);
        Assert.Equal(Pcie.DevStaFatalDetected, nvme.Config.ReadUInt16(nvme.PcieCapability + Pcie.DeviceStatus));
        Assert.Equal(0u, m["rp0"].Config.ReadUInt32(m["rp0"].AerCapability + Aer.RootErrorStatus) & 0x7F);
    }

    [Fact]
    public void A_masked_uncorrectable_error_sets_status_but_logs_nothing_and_sends_nothing()
    {
        var m = Fresh();
        var nvme = m["nvme0"];
        EnableReporting(m, nvme);
        m.Config.Write(nvme.Address, nvme.AerCapability + Aer.UncorrectableMask, 4, Aer.CompletionTimeout);
        m.InjectAerError(nvme.Address, Aer.CompletionTimeout, correctable: false);
        Assert.Equal(Aer.CompletionTimeout, nvme.Config.ReadUInt32(nvme.AerCapability + Aer.UncorrectableStatus));
        Assert.Equal(0u, nvme.Config.ReadUInt32(nvme.AerCapability + Aer.CapabilitiesControl) & Aer.FirstErrorPointerMask);
        Assert.Equal(0u, m["rp0"].Config.ReadUInt32(m["rp0"].AerCapability + Aer.RootErrorStatus) & 0x7F);
    }

    [Fact]
    public void With_multiple_header_recording_a_second_error_is_queued_until_the_first_is_cleared()
    {
        var m = Fresh();
        var rp = m["rp1"]; // root ports are Multiple Header Recording capable
        int aer = rp.AerCapability;
        m.Config.Write(rp.Address, aer + Aer.CapabilitiesControl, 4, Aer.MultipleHeaderRecordingEnable);
        m.InjectAerError(rp.Address, Aer.CompletionTimeout, false, header: [0x4000_0001, 0x0100_000F, 0xFEBF_0000, 0]);
        m.InjectAerError(rp.Address, Aer.UnexpectedCompletion, false, header: [0x4A00_0001, 0x0200_0004, 0, 0]);
        Assert.Equal(14u, rp.Config.ReadUInt32(aer + Aer.CapabilitiesControl) & Aer.FirstErrorPointerMask);
        Assert.Equal(0x4000_0001u, rp.Config.ReadUInt32(aer + Aer.HeaderLog)); // spec byte order: dword reads back as given
        m.Config.Write(rp.Address, aer + Aer.UncorrectableStatus, 4, Aer.CompletionTimeout);
        Assert.Equal(16u, rp.Config.ReadUInt32(aer + Aer.CapabilitiesControl) & Aer.FirstErrorPointerMask);
        Assert.Equal(0x4A00_0001u, rp.Config.ReadUInt32(aer + Aer.HeaderLog));
        Assert.Equal(Aer.UnexpectedCompletion, rp.Config.ReadUInt32(aer + Aer.UncorrectableStatus));
        m.Config.Write(rp.Address, aer + Aer.UncorrectableStatus, 4, Aer.UnexpectedCompletion);
        Assert.Equal(0u, rp.Config.ReadUInt32(aer + Aer.CapabilitiesControl) & Aer.FirstErrorPointerMask);
        Assert.Equal(0u, rp.Config.ReadUInt32(aer + Aer.HeaderLog));
    }

    [Fact]
    public void A_full_header_queue_reports_header_log_overflow()
    {
        var m = Fresh();
        var rp = m["rp1"];
        int aer = rp.AerCapability;
        rp.AerLogCapacity = 1;
        m.Config.Write(rp.Address, aer + Aer.CapabilitiesControl, 4, Aer.MultipleHeaderRecordingEnable);
        m.Config.Write(rp.Address, aer + Aer.CorrectableMask, 4, 0);
        m.InjectAerError(rp.Address, Aer.CompletionTimeout, false);
        m.InjectAerError(rp.Address, Aer.CompleterAbort, false);
        m.InjectAerError(rp.Address, Aer.UnexpectedCompletion, false);
        Assert.Equal(Aer.HeaderLogOverflow, rp.Config.ReadUInt32(aer + Aer.CorrectableStatus) & Aer.HeaderLogOverflow);
    }

    [Fact]
    public void Correctable_errors_need_correctable_reporting_enable_to_reach_the_root()
    {
        var m = Fresh();
        var nvme = m["nvme1"];
        var rp = m["rp0"];
        EnableReporting(m, nvme);
        m.Config.Write(nvme.Address, nvme.PcieCapability + Pcie.DeviceControl, 2, 0x000E);
        m.InjectAerError(nvme.Address, Aer.BadTlp, correctable: true);
        Assert.Equal(0u, rp.Config.ReadUInt32(rp.AerCapability + Aer.RootErrorStatus) & 0x3);
        m.Config.Write(nvme.Address, nvme.PcieCapability + Pcie.DeviceControl, 2, 0x000F);
        m.InjectAerError(nvme.Address, Aer.BadTlp, correctable: true);
        Assert.Equal(Aer.ErrCorReceived, rp.Config.ReadUInt32(rp.AerCapability + Aer.RootErrorStatus) & 0x3);
        Assert.Equal((uint)nvme.Address.RequesterId.Value, rp.Config.ReadUInt32(rp.AerCapability + Aer.ErrorSourceId) & 0xFFFF);
    }

    [Fact]
    public void Invalid_status_values_and_conventional_functions_are_refused()
    {
        var m = Fresh();
        Assert.Equal(AerInjectOutcome.InvalidStatus, m.InjectAerError(m["nvme0"].Address, 0x3000, false));
        Assert.Equal(AerInjectOutcome.InvalidStatus, m.InjectAerError(m["nvme0"].Address, 1u << 2, true));
        Assert.Equal(AerInjectOutcome.NotPciExpress, m.InjectAerError(m["legacy-nic"].Address, Aer.MalformedTlp, false));
    }

    [Fact]
    public void Errors_of_a_root_complex_integrated_endpoint_are_collected_by_the_rcec()
    {
        var m = Fresh();
        var zip = m["zip"];
        var rcec = m["rcec"];
        m.Config.Write(zip.Address, 0x04, 2, ConfigHeader.CommandSerrEnable);
        m.Config.Write(zip.Address, zip.PcieCapability + Pcie.DeviceControl, 2, 0xF);
        m.Config.Write(rcec.Address, 0x04, 2, ConfigHeader.CommandSerrEnable);
        m.Config.Write(rcec.Address, rcec.PcieCapability + Pcie.DeviceControl, 2, 0xF);
        m.InjectAerError(zip.Address, Aer.PoisonedTlpReceived, false);
        Assert.Equal(Aer.ErrFatalNonFatalReceived | Aer.NonFatalMessagesReceived, rcec.Config.ReadUInt32(rcec.AerCapability + Aer.RootErrorStatus) & 0x7F);
    }

    [Fact]
    public void Firmware_first_writes_a_ghes_record_and_waits_for_the_acknowledgement()
    {
        var writer = new RecordingGhesWriter();
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer, new MachineOptions(GhesRecordWriter: writer));
        var rp = m["rp2"];
        EnableReporting(m, rp);
        int notified = 0;
        m.Gic.OnSpi(120, () => notified++);
        int os = 0;
        m.Gic.OnSpi(66, () => os++);
        m.InjectAerError(rp.Address, Aer.SurpriseDownError, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(1, notified);
        Assert.Equal(0, os); // firmware took it: the OS's root port interrupt stays quiet
        Assert.Single(writer.Snapshots);
        Assert.Equal(rp.Address, writer.Snapshots[0].Device);
        Assert.Equal(ErrorSeverity.Fatal, writer.Snapshots[0].Severity);
        Assert.Equal(Aer.SurpriseDownError, BitConverter.ToUInt32(writer.Snapshots[0].AerCapability.Span[4..]));
        Assert.Equal(0xB10Cu, m.Memory.ReadUInt32(0x80001000));
        Assert.Equal(0ul, m.Memory.ReadUInt64(0x80000008)); // read-ack consumed

        m.InjectAerError(rp.Address, Aer.MalformedTlp, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(1, notified); // not acknowledged: nothing new written
        Assert.Equal(1, m.FirmwareFirst.Sources[0].RecordsDropped);

        m.Memory.WriteUInt64(0x80000008, 1); // OSPM acknowledges (GHESv2 read-ack write)
        m.InjectAerError(rp.Address, Aer.MalformedTlp, false);
        m.EventLoop.RunUntilIdle();
        Assert.Equal(2, notified);
        Assert.Equal(2, writer.Snapshots.Count);
    }

    private sealed class RecordingGhesWriter : IGhesRecordWriter
    {
        public List<PcieErrorSnapshot> Snapshots { get; } = [];

        public int WritePcieError(Span<byte> block, in PcieErrorSnapshot error)
        {
            Snapshots.Add(error);
            BitConverter.TryWriteBytes(block, 0xB10Cu);
            return 4;
        }
    }
}
