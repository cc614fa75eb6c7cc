namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// libcper's single-section form: one 72-byte section descriptor followed by the section body, with
/// SectionOffset counted from the descriptor's start (as a GHES data entry carries a section without a
/// record header).
/// </summary>
public static class CperSingleSection
{
    public static CperSection Read(ReadOnlyMemory<byte> data, string source)
    {
        var reader = new FirmwareReader(data.Span, source);
        var descriptor = CperSectionDescriptor.Read(ref reader);
        ulong end = (ulong)descriptor.SectionOffset + descriptor.SectionLength;
        if (descriptor.SectionOffset < CperSectionDescriptor.Size || end > (ulong)data.Length)
            throw new FirmwareFormatException(source, 0, "descriptor.sectionOffset+sectionLength",
                $"section 0x{descriptor.SectionOffset:X}+0x{descriptor.SectionLength:X} is not inside the {data.Length} byte(s) after the descriptor");
        return new CperSection(descriptor, data.Slice((int)descriptor.SectionOffset, (int)descriptor.SectionLength));
    }

    public static byte[] Write(CperSection section)
    {
        var bytes = new byte[section.Descriptor.SectionOffset + section.Descriptor.SectionLength];
        section.Descriptor.Write(bytes);
        section.Body.Span.CopyTo(bytes.AsSpan((int)section.Descriptor.SectionOffset));
        return bytes;
    }
}
