using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Ghes;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Writes the GHES error status block with Bridgekeeper.Firmware's CPER encoder
/// (<see cref="GhesPcieErrorBlockWriter"/>): one PCIe error section (UEFI 2.10 §N.2.7) carrying the
/// function's raw AER registers, severity Fatal, Recoverable (non-fatal) or Corrected.
/// </summary>
public sealed class CperGhesRecordWriter : IGhesRecordWriter
{
    public int WritePcieError(Span<byte> block, in PcieErrorSnapshot error)
    {
        var a = error.AerCapability;
        uint U(int offset) => offset + 4 <= a.Length ? BitConverter.ToUInt32(a.Span.Slice(offset, 4)) : 0;
        var registers = a.Length == 0 ? default : new AerRegisters(U(0), U(Aer.UncorrectableStatus), U(Aer.UncorrectableMask), U(Aer.UncorrectableSeverity),
            U(Aer.CorrectableStatus), U(Aer.CorrectableMask), U(Aer.CapabilitiesControl),
            U(Aer.HeaderLog), U(Aer.HeaderLog + 4), U(Aer.HeaderLog + 8), U(Aer.HeaderLog + 12),
            U(Aer.RootErrorCommand), U(Aer.RootErrorStatus), (ushort)U(Aer.ErrorSourceId), (ushort)(U(Aer.ErrorSourceId) >> 16));
        var severity = error.Severity switch
        {
            ErrorSeverity.Fatal => CperSeverity.Fatal,
            ErrorSeverity.NonFatal => CperSeverity.Recoverable,
            _ => CperSeverity.Corrected,
        };
        var d = error.Device;
        // Encoded straight into the block (no intermediate byte array): the same bytes Write() gives.
        var record = GhesPcieErrorBlockWriter.Build(new GhesPcieErrorBlockWriter.Request(
            (ushort)d.Segment, d.Bus, (byte)d.Device, (byte)d.Function, error.VendorId, error.DeviceId, error.ClassCode, (uint)error.PortType,
            registers, severity, Command: error.Command, Status: error.Status));
        int length = record.Length;
        if (length > block.Length) throw new InvalidOperationException($"GHES record of {length} bytes does not fit the {block.Length}-byte error status block");
        record.WriteTo(block);
        return length;
    }
}
