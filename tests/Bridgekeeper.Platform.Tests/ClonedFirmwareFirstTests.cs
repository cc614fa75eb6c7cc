using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// A machine cloned from dumps has no ACPI tables of its own; in firmware-first mode its firmware
/// publishes a HEST with a FIRMWARE_FIRST AER entry and a GHESv2 source per root port (ACPI 6.5
/// §18.3.2.4, §18.3.2.8), and takes the root ports' errors.
/// </summary>
public class ClonedFirmwareFirstTests
{
    private static readonly Sbdf[] RootPorts = [.. new[] { "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0" }.Select(Sbdf.Parse)];

    private static SimulatedMachine Clone(bool firmwareFirst) =>
        SimulatedMachine.Clone(AerReferenceRoundTests.LoadPhase("drivers"), new MachineOptions(HeaderLog: HeaderLogByteOrder.QemuByteSwapped), firmwareFirst);

    [Fact]
    public void The_hest_has_a_firmware_first_aer_entry_and_a_ghesv2_source_per_root_port()
    {
        var m = Clone(firmwareFirst: true);
        var hest = HestReader.Read(m.Firmware.Hest.Span, "hest").Table;
        var aer = hest.ErrorSources.OfType<HestAer>().ToList();
        Assert.Equal(RootPorts, aer.Select(a => new Sbdf(a.Segment, a.BusNumber, (byte)(a.Device << 3 | a.Function))));
        Assert.All(aer, a => Assert.True(a.FirmwareFirst));
        var ghes = hest.ErrorSources.OfType<HestGhes>().ToList();
        Assert.Equal(RootPorts.Length, ghes.Count);
        for (int k = 0; k < ghes.Count; k++)
        {
            Assert.Equal(NotificationType.Gsiv, ghes[k].Notify.Type);
            Assert.Equal(480u + (uint)k, ghes[k].Notify.Vector);
            Assert.Equal(0x8000_0000ul + (ulong)k * 0x2000, ghes[k].ErrorStatusAddress.Address);
            Assert.Equal(0x8000_0008ul + (ulong)k * 0x2000, ghes[k].ReadAck!.Value.Register.Address);
            Assert.Equal(0x8000_1000ul + (ulong)k * 0x2000, m.Memory.ReadUInt64(ghes[k].ErrorStatusAddress.Address)); // firmware pointed it at the block
            Assert.Equal(1ul, m.Memory.ReadUInt64(ghes[k].ReadAck!.Value.Register.Address));                        // armed
        }
    }

    [Fact]
    public void An_error_below_a_root_port_reaches_that_port_s_ghes_block_and_its_gsiv()
    {
        var m = Clone(firmwareFirst: true);
        var ep2 = Sbdf.Parse("0000:02:00.0"); // below root port 00:03.0, the second root port
        Assert.Equal(AerInjectOutcome.Injected, m.InjectAerError(ep2, AerCapability.UnsupportedRequest, false, header: [0x4000_0001, 0x0100_000F, 0xFEBF_0000, 0]));
        ulong slot = 0x8000_0000ul + 1 * 0x2000;
        var bytes = new byte[4096];
        m.Memory.Read(slot + 0x1000, bytes);
        var block = GenericErrorStatusBlock.Read(bytes, "ghes", 4096);
        Assert.True(block.IsPending);
        var report = FirmwareAerReport.From(block.Entries[0], "ghes")!.Value;
        Assert.Equal((0, 2, 0, 0), (report.Segment, report.Bus, report.Device, report.Function));
        Assert.Equal(AerCapability.UnsupportedRequest, report.Aer.UncorrectableStatus);
        Assert.Equal(0ul, m.Memory.ReadUInt64(slot + 8)); // read-ack cleared until the OS acknowledges
        Assert.Equal(481u, Assert.Single(m.Gic.SpiLog).IntId);
        Assert.Equal(0ul, m.Memory.ReadUInt64(0x8000_1000)); // the other root ports' blocks stay empty
    }

    [Fact]
    public void Without_firmware_first_the_clone_publishes_no_hest_and_the_root_port_takes_the_error()
    {
        var m = Clone(firmwareFirst: false);
        Assert.True(m.Firmware.Hest.IsEmpty);
        Assert.Empty(m.FirmwareFirst.Sources);
        m.InjectAerError(Sbdf.Parse("0000:02:00.0"), AerCapability.UnsupportedRequest, false);
        var rp = m.FunctionAt(RootPorts[1]);
        Assert.NotEqual(0u, rp.Config.ReadUInt32(rp.AerCapability + AerCapability.RootErrorStatus));
        Assert.DoesNotContain(m.Gic.SpiLog, s => s.IntId >= 480);
    }
}
