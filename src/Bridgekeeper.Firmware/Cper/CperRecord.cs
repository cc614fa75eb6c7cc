using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// A whole Common Platform Error Record (UEFI 2.10 App. N.2): header, one descriptor per section, and
/// the section bodies the descriptors point at. <see cref="Read"/> checks every offset and length
/// against the buffer before slicing; <see cref="Write"/> puts every byte back where it came from, so
/// <c>Write(Read(bytes))</c> gives the same bytes for a record whose layout leaves no unused gaps.
/// </summary>
public sealed record CperRecord(CperRecordHeader Header, ImmutableArray<CperSection> Sections)
{
    /// <summary>
    /// Reads a record from the start of <paramref name="data"/>; bytes past RecordLength are ignored. A
    /// record whose data ends before RecordLength is refused (use the overload with warnings to accept it).
    /// </summary>
    public static CperRecord Read(ReadOnlyMemory<byte> data, string source) => Read(data, source, null);

    /// <summary>
    /// Reads a record like libcper's buffer reader (cper-parse.c <c>cper_buf_to_ir</c>): when the data
    /// ends before the header's RecordLength, the record is still read as long as every section lies
    /// within the bytes available, and a warning naming the shortfall is added to
    /// <paramref name="warnings"/>. With <paramref name="warnings"/> null such a record is refused.
    /// </summary>
    public static CperRecord Read(ReadOnlyMemory<byte> data, string source, ICollection<string>? warnings)
    {
        var reader = new FirmwareReader(data.Span, source);
        var header = CperRecordHeader.Read(ref reader);
        // libcper (cper-parse.c) refuses a record with no sections; so do we: it carries no error.
        if (header.SectionCount == 0)
            throw new FirmwareFormatException(source, 10, "header.sectionCount", "is 0; a record needs at least one section");
        long descriptorsEnd = CperRecordHeader.Size + (long)header.SectionCount * CperSectionDescriptor.Size;
        if (header.RecordLength < descriptorsEnd)
            throw new FirmwareFormatException(source, 20, "header.recordLength",
                $"{header.RecordLength} is shorter than the header and {header.SectionCount} descriptor(s) ({descriptorsEnd} bytes)");
        uint? truncatedLength = null;
        if (header.RecordLength > (uint)data.Length)
        {
            if (warnings is null || descriptorsEnd > data.Length)
                throw new FirmwareFormatException(source, 20, "header.recordLength",
                    $"{header.RecordLength} exceeds the {data.Length} byte(s) available");
            truncatedLength = (uint)data.Length;
            warnings.Add($"{source}: header.recordLength {header.RecordLength} exceeds the {data.Length} byte(s) available; " +
                "reading the sections that lie within them, as libcper's buffer reader does");
        }
        uint limit = truncatedLength ?? header.RecordLength;

        var sections = ImmutableArray.CreateBuilder<CperSection>(header.SectionCount);
        for (int i = 0; i < header.SectionCount; i++)
        {
            long at = reader.Offset;
            var descriptor = CperSectionDescriptor.Read(ref reader);
            ulong end = (ulong)descriptor.SectionOffset + descriptor.SectionLength;
            if (end > limit)
                throw new FirmwareFormatException(source, at, $"descriptor[{i}].sectionOffset+sectionLength",
                    $"section 0x{descriptor.SectionOffset:X}+0x{descriptor.SectionLength:X} ends past " +
                    (truncatedLength is null ? $"the record length 0x{limit:X}" : $"the 0x{limit:X} byte(s) available (header.recordLength says 0x{header.RecordLength:X})"));
            sections.Add(new CperSection(descriptor, data.Slice((int)descriptor.SectionOffset, (int)descriptor.SectionLength)));
        }
        return new CperRecord(header, sections.MoveToImmutable()) { TruncatedLength = truncatedLength };
    }

    /// <summary>
    /// The number of bytes the record was read from when they ended before the header's RecordLength
    /// (see <see cref="Read(ReadOnlyMemory{byte}, string, ICollection{string}?)"/>); null for a whole record.
    /// </summary>
    public uint? TruncatedLength { get; init; }

    /// <summary>The bytes <see cref="Write"/> produces: RecordLength, or the truncated length.</summary>
    public uint Length => TruncatedLength ?? Header.RecordLength;

    /// <summary>Serialises the record into <see cref="Length"/> bytes, each section at its descriptor's offset.</summary>
    public byte[] Write()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public void WriteTo(Span<byte> destination)
    {
        if (Header.SectionCount != Sections.Length)
            throw new InvalidOperationException($"header says {Header.SectionCount} section(s) but the record holds {Sections.Length}");
        if (destination.Length < Length)
            throw new ArgumentException($"destination holds {destination.Length} byte(s), the record needs {Length}", nameof(destination));
        var d = destination[..(int)Length];
        d.Clear();
        Header.Write(d);
        int at = CperRecordHeader.Size;
        foreach (var section in Sections)
        {
            var desc = section.Descriptor;
            if (desc.SectionLength != section.Body.Length)
                throw new InvalidOperationException($"descriptor length {desc.SectionLength} differs from the body's {section.Body.Length} byte(s)");
            if ((ulong)desc.SectionOffset + desc.SectionLength > Length)
                throw new InvalidOperationException($"section at 0x{desc.SectionOffset:X} (+0x{desc.SectionLength:X}) ends past the record's 0x{Length:X} byte(s)");
            desc.Write(d[at..]);
            at += CperSectionDescriptor.Size;
        }
        // Bodies after all descriptors, so that a body never overwrites a descriptor it overlaps in a
        // malformed-but-readable record (the bytes are the same in a record that was read).
        foreach (var section in Sections)
            section.Body.Span.CopyTo(d[(int)section.Descriptor.SectionOffset..]);
    }

    /// <summary>
    /// Builds a well-formed record: descriptors right after the header, bodies back to back after the
    /// descriptors, and SectionCount, RecordLength, SectionOffset and SectionLength filled in.
    /// </summary>
    public static CperRecord Create(CperRecordHeader header, IReadOnlyList<(CperSectionDescriptor Descriptor, ReadOnlyMemory<byte> Body)> sections)
    {
        uint offset = (uint)(CperRecordHeader.Size + sections.Count * CperSectionDescriptor.Size);
        var built = ImmutableArray.CreateBuilder<CperSection>(sections.Count);
        foreach (var (descriptor, body) in sections)
        {
            built.Add(new CperSection(descriptor with { SectionOffset = offset, SectionLength = (uint)body.Length }, body));
            offset += (uint)body.Length;
        }
        return new CperRecord(header with { SectionCount = (ushort)sections.Count, RecordLength = offset }, built.MoveToImmutable());
    }

    public bool Equals(CperRecord? other) =>
        other is not null && Header == other.Header && TruncatedLength == other.TruncatedLength && Sections.AsSpan().SequenceEqual(other.Sections.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Header, Sections.Length);
}
