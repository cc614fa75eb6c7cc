using System.Buffers.Binary;
using Bridgekeeper.Firmware;
using Bridgekeeper.Firmware.Ghes;
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
    private const int MaxCachedNames = 64;
    private readonly Dictionary<(ushort, ulong), string> _names = [];
    private List<FirmwareAerReport>? _spareReports;

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
        Span<byte> header = stackalloc byte[GenericErrorStatusBlock.HeaderSize];
        memory.Read(blockAddress, header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) == 0) return false;

        string name = NameOf(source.SourceId, blockAddress);
        // Validate and walk the record exactly as __ghes_check_estatus / cper_estatus_check do. When the
        // header's lengths are in bounds, only the record's own bytes (cper_estatus_len) are copied, not
        // the whole reserved block: the checks never look past that length. Otherwise (and for the
        // rejected record kept in the RAS log) the copy is all firmware reserved, up to the 64 KiB cap.
        int reserved = (int)Math.Min(source.ErrorBlockLength, (uint)GenericErrorStatusBlock.MaxLength);
        long claimed = GenericErrorStatusBlock.EstatusLength(
            BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[12..]));
        var copy = new byte[claimed >= GenericErrorStatusBlock.HeaderSize && claimed <= reserved ? (int)claimed : reserved];
        memory.Read(blockAddress, copy);
        GenericErrorStatusBlock block;
        // The spare list is taken, so a poll nested inside this one (an error raised while this record
        // is acted on) gets its own.
        var reports = _spareReports ?? [];
        _spareReports = null;
        try
        {
            block = GenericErrorStatusBlock.Read(copy, name, (int)source.ErrorBlockLength);
            foreach (var entry in block.Entries)
                if (FirmwareAerReport.From(entry, name) is { } r) reports.Add(r);
        }
        catch (FirmwareFormatException ex)
        {
            Invalid++;
            if (copy.Length != reserved)
            {
                copy = new byte[reserved];
                memory.Read(blockAddress, copy);
            }
            Release(source, blockAddress);
            intake.RecordInvalid(source.SourceId, copy, ex.Message);
            GiveBack(reports);
            return true;
        }
        var record = block.Length == copy.Length ? copy : copy.AsSpan(0, block.Length).ToArray();
        bool duplicate = duplicates.IsDuplicate(record, clock.Now);
        Release(source, blockAddress);
        Processed++;
        if (duplicate)
        {
            Duplicates++;
            intake.RecordInvalid(source.SourceId, record, "duplicate of a record seen within the window; not acted on again");
            GiveBack(reports);
            return true;
        }
        foreach (var r in reports)
        {
            var device = new Sbdf(r.Segment, r.Bus, r.Device & 0x1F, r.Function & 0x7);
            var severity = AerRegisterBlob.ToErrorSeverity(r.Severity);
            var log = AerRegisterBlob.FromBlock(device, severity, r.Aer);
            if (severity == ErrorSeverity.Correctable)
            {
                if (intake.AdmitCorrectable(device, out long suppressed))
                    intake.RecordCorrectable(ErrorOrigin.FirmwareFirst, log, record, suppressed, source.SourceId);
            }
            else
            {
                intake.AcceptUncorrectable(ErrorOrigin.FirmwareFirst, log, record, source.SourceId);
            }
        }
        GiveBack(reports);
        return true;
    }

    private void GiveBack(List<FirmwareAerReport> reports)
    {
        reports.Clear();
        _spareReports = reports;
    }

    // The source's name in error messages, made once per (source, block address): firmware keeps a
    // source's block where it is, so a storm of records would otherwise format the same text each time.
    private string NameOf(ushort sourceId, ulong blockAddress)
    {
        if (_names.TryGetValue((sourceId, blockAddress), out var name)) return name;
        name = $"GHES source {sourceId} block at 0x{blockAddress:x}";
        // Bounded: a firmware that moves its block on every record is formatted each time, not hoarded.
        if (_names.Count < MaxCachedNames) _names[(sourceId, blockAddress)] = name;
        return name;
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
