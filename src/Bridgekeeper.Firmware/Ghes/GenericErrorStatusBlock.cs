using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// A Generic Error Status Block (ACPI 6.5 §18.3.2.7.1 Table 18.13): a 20-byte header, the Generic
/// Error Data Entries, and optional raw data. <see cref="Read"/> validates exactly as Linux's
/// <c>ghes_proc</c> (<c>__ghes_check_estatus</c>, <c>cper_estatus_check_header</c>,
/// <c>cper_estatus_check</c>) does, so a block Bridgekeeper accepts is one Linux accepts.
/// </summary>
public sealed record GenericErrorStatusBlock
{
    public const int HeaderSize = 20;

    /// <summary>Linux caps a status block at 64 KiB (<c>GHES_ESTATUS_MAX_SIZE</c>).</summary>
    public const int MaxLength = 65536;

    // ACPI 6.5 Table 18.13 offsets.
    private const int BlockStatusOffset = 0, RawDataOffsetOffset = 4, RawDataLengthOffset = 8, DataLengthOffset = 12,
        ErrorSeverityOffset = 16;

    /// <summary>Block Status bits (Table 18.13): 0 UE valid, 1 CE valid, 2 multiple UE, 3 multiple CE, 13:4 entry count.</summary>
    public const uint UncorrectableValid = 1, CorrectableValid = 2, MultipleUncorrectable = 4, MultipleCorrectable = 8;

    public const int EntryCountShift = 4;

    /// <summary>The spec gives bits 13:4 (ten bits); Linux's ACPICA mask has eight. We parse ten.</summary>
    public const uint EntryCountMask = 0x3FF0;

    public uint BlockStatus { get; init; }
    public uint RawDataOffset { get; init; }
    public uint RawDataLength { get; init; }
    public uint DataLength { get; init; }
    public uint ErrorSeverity { get; init; }
    public ImmutableArray<GenericErrorDataEntry> Entries { get; init; } = [];
    public ReadOnlyMemory<byte> RawData { get; init; }

    /// <summary>Linux's <c>ghes_proc</c> treats block_status 0 as "no error pending" and stops there.</summary>
    public bool IsPending => BlockStatus != 0;

    public int EntryCountField => (int)((BlockStatus & EntryCountMask) >> EntryCountShift);

    public GhesSeverity LinuxSeverity => GhesSeverityMapping.FromCper(ErrorSeverity);

    /// <summary><c>cper_estatus_len</c>: up to the end of the raw data if there is any, else of the entries.</summary>
    public static long EstatusLength(uint rawDataOffset, uint rawDataLength, uint dataLength) =>
        rawDataLength != 0 ? (long)rawDataOffset + rawDataLength : HeaderSize + (long)dataLength;

    /// <summary>
    /// Reads and validates a block. <paramref name="errorBlockLength"/> is the HEST entry's Error Block
    /// Length (the size firmware reserved); it defaults to the bytes available. A block whose status is
    /// zero is returned with no entries, as Linux does not look further. <paramref name="warnings"/>
    /// receives what Linux tolerates but a careful reader should know (an entry count field that
    /// disagrees with the walk).
    /// </summary>
    public static GenericErrorStatusBlock Read(ReadOnlyMemory<byte> data, string source, int? errorBlockLength = null, List<string>? warnings = null)
    {
        var reader = new FirmwareReader(data.Span, source);
        uint blockStatus = reader.ReadUInt32("block_status");
        uint rawDataOffset = reader.ReadUInt32("raw_data_offset");
        uint rawDataLength = reader.ReadUInt32("raw_data_length");
        uint dataLength = reader.ReadUInt32("data_length");
        uint severity = reader.ReadUInt32("error_severity");
        if (blockStatus == 0)
            return new GenericErrorStatusBlock
            {
                BlockStatus = blockStatus, RawDataOffset = rawDataOffset, RawDataLength = rawDataLength,
                DataLength = dataLength, ErrorSeverity = severity,
            };

        // __ghes_check_estatus: HEADER <= len <= min(error_block_length, 64 KiB), and within what we hold.
        long len = EstatusLength(rawDataOffset, rawDataLength, dataLength);
        long limit = Math.Min(errorBlockLength ?? data.Length, MaxLength);
        if (len < HeaderSize || len > limit)
            throw new FirmwareFormatException(source, rawDataLength != 0 ? RawDataLengthOffset : DataLengthOffset,
                rawDataLength != 0 ? "raw_data_offset+raw_data_length" : "data_length",
                $"block length {len} is outside {HeaderSize}..{limit} (error block length {errorBlockLength?.ToString() ?? "n/a"}, 64 KiB cap)");
        if (len > data.Length)
            throw new FirmwareFormatException(source, DataLengthOffset, "data_length", $"block length {len} exceeds the {data.Length} byte(s) available");
        // cper_estatus_check_header: data_length is 0 or holds at least one entry header.
        if (dataLength != 0 && dataLength < GenericErrorDataEntry.HeaderSizeV2)
            throw new FirmwareFormatException(source, DataLengthOffset, "data_length",
                $"{dataLength} is neither 0 nor at least one {GenericErrorDataEntry.HeaderSizeV2}-byte entry header");
        if (rawDataLength != 0 && rawDataOffset < HeaderSize + (long)dataLength)
            throw new FirmwareFormatException(source, RawDataOffsetOffset, "raw_data_offset",
                $"0x{rawDataOffset:X} overlaps the data entries, which end at 0x{HeaderSize + (long)dataLength:X}");

        // cper_estatus_check: walk the entries; each must fit, and together they fill data_length exactly.
        // Sized by the entry count field (a hint only: the walk decides), so a valid block's entries are
        // moved into the result instead of copied.
        int countField = (int)((blockStatus & EntryCountMask) >> EntryCountShift);
        var entries = ImmutableArray.CreateBuilder<GenericErrorDataEntry>(Math.Clamp(countField, 1, 16));
        var area = new FirmwareReader(data.Span.Slice(0, HeaderSize + (int)dataLength), source) { Offset = HeaderSize };
        int remaining = (int)dataLength;
        while (remaining > 0)
        {
            var entry = GenericErrorDataEntry.Read(data, ref area, remaining, entries.Count);
            remaining -= entry.TotalSize;
            entries.Add(entry);
        }
        if (warnings is not null && countField != entries.Count)
            warnings.Add($"{source}: offset 0x0: block_status: entry count field says {countField} but {entries.Count} entr{(entries.Count == 1 ? "y" : "ies")} fill data_length");
        return new GenericErrorStatusBlock
        {
            BlockStatus = blockStatus, RawDataOffset = rawDataOffset, RawDataLength = rawDataLength,
            DataLength = dataLength, ErrorSeverity = severity,
            Entries = entries.Count == entries.Capacity ? entries.MoveToImmutable() : entries.ToImmutable(),
            RawData = rawDataLength != 0 ? data.Slice((int)rawDataOffset, (int)rawDataLength) : ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>The bytes this block occupies (header, entries, raw data at its offset).</summary>
    public int Length => (int)Math.Max(HeaderSize + (long)DataLength, RawData.Length != 0 ? (long)RawDataOffset + RawData.Length : 0);

    public byte[] Write()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public void WriteTo(Span<byte> destination)
    {
        long sum = 0;
        foreach (var e in Entries) sum += e.TotalSize;
        if (sum != DataLength)
            throw new InvalidOperationException($"entries total {sum} byte(s) but data_length is {DataLength}");
        var d = destination[..Length];
        d.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(d[BlockStatusOffset..], BlockStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(d[RawDataOffsetOffset..], RawDataOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(d[RawDataLengthOffset..], RawDataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(d[DataLengthOffset..], DataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(d[ErrorSeverityOffset..], ErrorSeverity);
        int at = HeaderSize;
        foreach (var e in Entries)
        {
            e.Write(d[at..]);
            at += e.TotalSize;
        }
        if (RawData.Length != 0) RawData.Span.CopyTo(d[(int)RawDataOffset..]);
    }

    /// <summary>
    /// A pending block holding <paramref name="entries"/>: data_length, the entry count bits and the
    /// UE/CE valid bits (and their "multiple" bits) are derived from the entries.
    /// </summary>
    public static GenericErrorStatusBlock Create(uint errorSeverity, IReadOnlyList<GenericErrorDataEntry> entries)
    {
        uint status = 0;
        int uncorrectable = 0, correctable = 0;
        uint dataLength = 0;
        foreach (var e in entries)
        {
            dataLength += (uint)e.TotalSize;
            if (e.ErrorSeverity == (uint)Cper.CperSeverity.Corrected) correctable++; else uncorrectable++;
        }
        if (uncorrectable > 0) status |= UncorrectableValid;
        if (correctable > 0) status |= CorrectableValid;
        if (uncorrectable > 1) status |= MultipleUncorrectable;
        if (correctable > 1) status |= MultipleCorrectable;
        status |= ((uint)entries.Count << EntryCountShift) & EntryCountMask;
        return new GenericErrorStatusBlock
        {
            BlockStatus = status, DataLength = dataLength, ErrorSeverity = errorSeverity, Entries = [.. entries],
        };
    }

    public bool Equals(GenericErrorStatusBlock? other) =>
        other is not null && BlockStatus == other.BlockStatus && RawDataOffset == other.RawDataOffset
        && RawDataLength == other.RawDataLength && DataLength == other.DataLength && ErrorSeverity == other.ErrorSeverity
        && Entries.AsSpan().SequenceEqual(other.Entries.AsSpan()) && RawData.Span.SequenceEqual(other.RawData.Span);

    public override int GetHashCode() => HashCode.Combine(BlockStatus, DataLength, ErrorSeverity, Entries.Length);
}
