using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Platform firmware in firmware-first mode (ACPI 6.5 §18.3.2.4-5: HEST AER entries with
/// FIRMWARE_FIRST): when a root port latches an error message, firmware finds the source from Error
/// Source Identification, captures its registers, writes a CPER PCIe error section into the GHES
/// error status block and raises the HEST notification. For GHESv2 (§18.3.2.8) it first reads the
/// read-ack register: 0 means the OS has not acknowledged the previous record, so firmware writes
/// nothing (QEMU's "OSPM does not acknowledge previous error"); otherwise it clears read-ack, writes
/// and notifies, and the OS's acknowledgement sets it again. A GHES (v1) source is busy while its
/// block status is non-zero.
/// </summary>
public sealed class FirmwareFirstController : IFirmwareFirstSink
{
    private readonly PcieFabric _fabric;
    private readonly SimMemory _memory;
    private readonly SimGic _gic;
    private readonly SimFirmware _firmware;
    private readonly EventLoop _loop;
    private byte[] _scratch = [];

    internal FirmwareFirstController(PcieFabric fabric, SimMemory memory, SimGic gic, SimFirmware firmware, EventLoop loop)
    {
        _fabric = fabric;
        _memory = memory;
        _gic = gic;
        _firmware = firmware;
        _loop = loop;
    }

    public List<GhesSource> Sources { get; } = [];

    public IGhesRecordWriter? RecordWriter { get; set; }

    /// <summary>Lays out the status-address register (pointing at the block) and, for GHESv2, read-ack = 1 (armed), as firmware does at boot.</summary>
    internal void Prepare()
    {
        foreach (var s in Sources)
        {
            _memory.WriteUInt64(s.Description.StatusAddressRegister, s.Description.BlockAddress);
            if (s.Description.Version == 2) _memory.WriteUInt64(s.Description.ReadAckRegister, 1);
        }
    }

    public void OnAerMessage(SimFunction rootPort, AerMessage message)
    {
        var source = SourceFor(rootPort);
        if (source is null) return;
        var d = source.Description;
        if (d.Version == 2)
        {
            if ((_memory.ReadUInt64(d.ReadAckRegister) & 1) == 0) { source.RecordsDropped++; return; }
            _memory.WriteUInt64(d.ReadAckRegister, 0);
        }
        else if (_memory.ReadUInt32(d.BlockAddress) != 0)
        {
            source.RecordsDropped++;
            return;
        }
        var device = _fabric.Route(Sbdf.FromRequesterId(rootPort.Address.Segment, new RequesterId(message.SourceId))) ?? rootPort;
        // Composed in one scratch block, zeroed first as a fresh one would be; only the used bytes
        // reach memory, so reusing it across records changes nothing but the allocation.
        if (_scratch.Length < d.BlockLength) _scratch = new byte[d.BlockLength];
        var block = _scratch.AsSpan(0, (int)d.BlockLength);
        block.Clear();
        int used = RecordWriter?.WritePcieError(block, Snapshot(device, message.Severity))
            ?? 0;
        _memory.Write(d.BlockAddress, block[..used]);
        source.RecordsWritten++;
        Notify(d);
    }

    private GhesSource? SourceFor(SimFunction rootPort)
    {
        GhesSource? global = null;
        foreach (var s in Sources)
        {
            if (s.RootPort == rootPort) return s;
            if (s.RootPort is null) global ??= s;
        }
        return global;
    }

    // ACPI 6.5 Table 18.14: interrupt-class notifications are SPIs on Arm (GSIV, SCI and GPIO through
    // the GED or GPIO controller's interrupt); SEA, SEI and SDEI are exceptions; polled needs nothing.
    private void Notify(GhesSourceDescription d)
    {
        switch (d.NotifyType)
        {
            case 0: break;
            case 8 or 9 or 11: _firmware.RaiseException(d.NotifyType); break;
            default: _gic.PulseSpi(d.Vector); break;
        }
    }

    private static PcieErrorSnapshot Snapshot(SimFunction f, ErrorSeverity severity)
    {
        var c = f.Config;
        int exp = f.PcieCapability;
        byte[] aer = f.AerCapability != 0 ? c.Bytes.Slice(f.AerCapability, Aer.RootPortLength + 0x10).ToArray() : [];
        ulong serial = f.Config.IsExtended && CapabilityList.FindExtended(c.Bytes, ExtendedCapabilityId.DeviceSerialNumber) is int dsn
            ? DsnCapability.SerialNumber(c.Bytes, dsn) : 0;
        return new PcieErrorSnapshot(f.Address, f.PortType ?? PciePortType.Endpoint, severity,
            c.ReadUInt16(ConfigHeader.VendorId), c.ReadUInt16(ConfigHeader.DeviceId), ConfigBytes.ClassCode(c.Bytes),
            c.ReadUInt16(ConfigHeader.Command), c.ReadUInt16(ConfigHeader.Status),
            exp != 0 ? c.ReadUInt16(exp + Pcie.DeviceControl) : (ushort)0, exp != 0 ? c.ReadUInt16(exp + Pcie.DeviceStatus) : (ushort)0,
            serial, aer);
    }
}
