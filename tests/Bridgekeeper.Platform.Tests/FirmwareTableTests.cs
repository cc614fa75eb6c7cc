using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Firmware.Acpi.Mcfg;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Pci;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>The tables boot firmware publishes decode with Bridgekeeper.Firmware's readers, and say what the machine is.</summary>
public class FirmwareTableTests
{
    private static readonly SimulatedMachine Machine = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);

    [Fact]
    public void Mcfg_lists_each_host_bridge_ecam_window()
    {
        var mcfg = McfgReader.Read(Machine.Firmware.Mcfg.Span, "mcfg").Table;
        Assert.Equal(2, mcfg.Allocations.Length);
        var a = mcfg.Find(1, 0)!.Value;
        Assert.Equal(0x60_0000_0000ul, a.BaseAddress);
        Assert.Equal((byte)63, a.EndBus);
        // The MCFG address of a function is where the fabric answers.
        var nvme = Machine["nvme10"].Address;
        Assert.Equal(0x0B60_8086u, Machine.Fabric.ReadEcam(a.ConfigAddress(nvme.Bus, (byte)nvme.Device, (byte)nvme.Function, 0), 4));
    }

    [Fact]
    public void Iort_translates_requester_ids_to_the_stream_and_device_ids_the_machine_uses()
    {
        var iort = IortReader.Read(Machine.Firmware.Iort.Span, "iort").Table;
        foreach (var name in new[] { "nvme0", "cx5", "nvme10" })
        {
            var a = Machine[name].Address;
            var t = iort.TranslateRequesterId(a.Segment, a.RequesterId.Value);
            Assert.Equal(Machine.StreamIdOf(a), t.StreamId);
            Assert.Equal(Machine.DeviceIdOf(a), t.DeviceId);
        }
    }

    [Fact]
    public void Hest_marks_the_firmware_first_root_port_and_describes_its_ghesv2_source()
    {
        var hest = HestReader.Read(Machine.Firmware.Hest.Span, "hest").Table;
        var aer = Assert.Single(hest.ErrorSources.OfType<HestAer>());
        Assert.True(aer.FirmwareFirst);
        Assert.Equal((0, 3, 0), (aer.BusNumber, (int)aer.Device, (int)aer.Function));
        var ghes = Assert.Single(hest.ErrorSources.OfType<HestGhes>());
        Assert.Equal(NotificationType.Gsiv, ghes.Notify.Type);
        Assert.Equal(120u, ghes.Notify.Vector);
        Assert.Equal(0x8000_0000ul, ghes.ErrorStatusAddress.Address);
        Assert.Equal(0x8000_0008ul, ghes.ReadAck!.Value.Register.Address);
    }

    [Fact]
    public void A_firmware_first_error_leaves_a_cper_record_linux_would_decode()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var rp = m["rp2"];
        m.Config.Write(rp.Address, 0x04, 2, ConfigHeader.CommandSerrEnable);
        m.Config.Write(rp.Address, rp.PcieCapability + Pcie.DeviceControl, 2, 0xF);
        m.Config.Write(rp.Address, ConfigHeader.BridgeControl, 2, ConfigHeader.BridgeControlSerrEnable);
        m.InjectAerError(rp.Address, AerCapability.SurpriseDownError, false);
        var bytes = new byte[4096];
        m.Memory.Read(m.Memory.ReadUInt64(0x8000_0000), bytes);
        var block = GenericErrorStatusBlock.Read(bytes, "ghes", 4096);
        Assert.True(block.IsPending);
        var report = FirmwareAerReport.From(block.Entries[0], "ghes")!.Value;
        Assert.Equal((0, 0, 3, 0), (report.Segment, report.Bus, report.Device, report.Function));
        Assert.Equal(AerCapability.SurpriseDownError, report.Aer.UncorrectableStatus);
        Assert.Equal(AerSeverity.Fatal, report.Severity);
    }
}
