using System.Buffers.Binary;
using Bridgekeeper.Firmware;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Processes one firmware-first GHES/GHESv2 source as Linux's <c>ghes_proc</c> does (drivers/acpi/
/// apei/ghes.c; ACPI 6.5 §18.3.2.7-8): follow the error status address to the block, stop if
/// block_status is 0, validate the lengths, copy the record, then clear block_status and (v2) write the
/// read-ack register so firmware may reuse the block, and only then hand each PCIe section to the
/// error intake (which stores it durably before anything acts). AER registers are never touched:
/// in this mode they belong to firmware, and the CPER copy is the only source of truth.
/// </summary>
public sealed class GhesErrorHandler(ISystemMemory memory, IClock clock, ErrorIntake intake, GhesDuplicateFilter duplicates)
{
    public long Processed { get; private set; }

    public long Invalid { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Reads the source's block; true when a record was pending.</summary>
    public bool Poll(GhesSourceDescriptor source)
    {
        Span<byte> pointer = stackalloc byte[8];
        memory.Read(source.ErrorStatusAddress, pointer);
        ulong blockAddress = BinaryPrimitives.ReadUInt64LittleEndian(pointer);
        if (blockAddress == 0) return false;
        Span<byte> header = stackalloc byte[GhesStatusBlock.HeaderLength];
        memory.Read(blockAddress, header);
        if (GhesStatusBlock.BlockStatus(header) == 0) return false;

        string name = $"GHES source {source.SourceId} block at 0x{blockAddress:x}";
        byte[] record;
        List<GhesPcieEntry> entries;
        try
        {
            int length = GhesStatusBlock.CheckHeader(header, source.ErrorBlockLength, name);
            record = new byte[length];
            memory.Read(blockAddress, record);
            entries = GhesStatusBlock.PcieEntries(record, name);
        }
        catch (FirmwareFormatException ex)
        {
            Invalid++;
            var copy = new byte[Math.Min(source.ErrorBlockLength, (uint)GhesStatusBlock.MaxLength)];
            memory.Read(blockAddress, copy);
            Release(source, blockAddress);
            intake.RecordInvalid(source.SourceId, copy, ex.Message);
            return true;
        }
        bool duplicate = duplicates.IsDuplicate(record, clock.Now);
        Release(source, blockAddress);
        Processed++;
        if (duplicate)
        {
            Duplicates++;
            intake.RecordInvalid(source.SourceId, record, "duplicate of a record seen within the window; not acted on again");
            return true;
        }
        foreach (var entry in entries)
        {
            if (!entry.IsUsable) continue;
            var log = AerRegisterBlob.Decode(entry.Device, entry.Severity, entry.AerInfo.Span);
            if (entry.Severity == ErrorSeverity.Correctable)
            {
                if (intake.AdmitCorrectable(entry.Device, out long suppressed))
                    intake.RecordCorrectable(ErrorOrigin.FirmwareFirst, log, record, suppressed, source.SourceId);
            }
            else
            {
                intake.AcceptUncorrectable(ErrorOrigin.FirmwareFirst, log, record, source.SourceId);
            }
        }
        return true;
    }

    /// <summary>Clears block_status (<c>ghes_clear_estatus</c>) and acknowledges a GHESv2 source (<c>ghes_ack_error</c>).</summary>
    private void Release(GhesSourceDescriptor source, ulong blockAddress)
    {
        memory.Write(blockAddress, stackalloc byte[4]);
        if (source.ReadAck is not { } ack) return;
        int bytes = ack.BitWidth <= 32 ? 4 : 8;
        Span<byte> reg = stackalloc byte[8];
        memory.Read(ack.Address, reg[..bytes]);
        ulong value = ack.Acknowledge(BinaryPrimitives.ReadUInt64LittleEndian(reg));
        BinaryPrimitives.WriteUInt64LittleEndian(reg, value);
        memory.Write(ack.Address, reg[..bytes]);
    }
}
