using System.Buffers.Binary;
using System.Text;

namespace Bridgekeeper.Firmware.Acpi;

/// <summary>
/// The part every ACPI table shares: reading and writing the System Description Table Header and its
/// checksum (ACPI 6.5 §5.2.6). A wrong signature, a Length shorter than the header or longer than the
/// input leaves nothing sensible to read and throws; a bad checksum or bytes after Length are warnings,
/// as iasl treats them.
/// </summary>
public static class AcpiTableCodec
{
    /// <summary>
    /// Reads and checks the header; returns the table's own bytes (the first Length bytes of
    /// <paramref name="input"/>). Warnings for a bad checksum and trailing bytes go to <paramref name="warnings"/>.
    /// </summary>
    public static ReadOnlySpan<byte> ReadHeader(
        ReadOnlySpan<byte> input, string source, string expectedSignature,
        out AcpiTableHeader header, out AcpiTableFrame frame, List<AcpiWarning> warnings)
    {
        var reader = new FirmwareReader(input, source);
        var signature = reader.ReadBytes(AcpiTableHeader.SignatureLength, "Signature");
        if (!SignatureIs(signature, expectedSignature))
        {
            reader.Offset = AcpiTableHeader.SignatureOffset;
            reader.Throw("Signature", $"expected \"{expectedSignature}\", found \"{Text(signature)}\"");
        }
        uint length = reader.ReadUInt32("Length");
        if (length < AcpiTableHeader.Size)
        {
            reader.Offset = AcpiTableHeader.LengthOffset;
            reader.Throw("Length", $"{length} is shorter than the {AcpiTableHeader.Size}-byte header");
        }
        if (length > (uint)input.Length)
        {
            // iasl refuses such a file too ("Table is too long for file"): the checksum and every
            // subtable boundary depend on bytes that are not there.
            reader.Offset = AcpiTableHeader.LengthOffset;
            reader.Throw("Length", $"table length {length} exceeds the {input.Length} byte(s) of input");
        }
        byte revision = reader.ReadByte("Revision");
        byte checksum = reader.ReadByte("Checksum");
        string oemId = Text(reader.ReadBytes(AcpiTableHeader.OemIdLength, "OEM ID"));
        string oemTableId = Text(reader.ReadBytes(AcpiTableHeader.OemTableIdLength, "OEM Table ID"));
        uint oemRevision = reader.ReadUInt32("OEM Revision");
        string creatorId = Text(reader.ReadBytes(AcpiTableHeader.CreatorIdLength, "Creator ID"));
        uint creatorRevision = reader.ReadUInt32("Creator Revision");

        var table = input.Slice(0, (int)length);
        byte sum = Sum(table);
        header = new AcpiTableHeader(Text(signature), revision, oemId, oemTableId, oemRevision, creatorId, creatorRevision);
        frame = new AcpiTableFrame(length, checksum, sum == 0, input.Length);
        if (sum != 0)
        {
            byte should = unchecked((byte)(checksum - sum));
            warnings.Add(new AcpiWarning(AcpiWarningKind.BadChecksum, AcpiTableHeader.ChecksumOffset,
                $"incorrect checksum 0x{checksum:X2}, should be 0x{should:X2}"));
        }
        if (input.Length > length)
        {
            warnings.Add(new AcpiWarning(AcpiWarningKind.TrailingBytes, length,
                $"{input.Length - length} byte(s) after the table's Length {length} are ignored"));
        }
        return table;
    }

    /// <summary>
    /// Writes the header over the first 36 bytes of <paramref name="table"/> with Length = the span's
    /// length and a zero checksum; call <see cref="Seal"/> once the body is written. A header whose
    /// signature is not <paramref name="signature"/> is refused: a writer must not mislabel its table.
    /// </summary>
    public static void WriteHeader(Span<byte> table, in AcpiTableHeader header, string signature)
    {
        if (header.Signature != signature)
            throw new ArgumentException($"a {signature} table must have signature \"{signature}\", not \"{header.Signature}\"", nameof(header));
        WriteText(table.Slice(AcpiTableHeader.SignatureOffset, AcpiTableHeader.SignatureLength), header.Signature, "Signature");
        BinaryPrimitives.WriteUInt32LittleEndian(table.Slice(AcpiTableHeader.LengthOffset), (uint)table.Length);
        table[AcpiTableHeader.RevisionOffset] = header.Revision;
        table[AcpiTableHeader.ChecksumOffset] = 0;
        WriteText(table.Slice(AcpiTableHeader.OemIdOffset, AcpiTableHeader.OemIdLength), header.OemId, "OEM ID");
        WriteText(table.Slice(AcpiTableHeader.OemTableIdOffset, AcpiTableHeader.OemTableIdLength), header.OemTableId, "OEM Table ID");
        BinaryPrimitives.WriteUInt32LittleEndian(table.Slice(AcpiTableHeader.OemRevisionOffset), header.OemRevision);
        WriteText(table.Slice(AcpiTableHeader.CreatorIdOffset, AcpiTableHeader.CreatorIdLength), header.CreatorId, "Creator ID");
        BinaryPrimitives.WriteUInt32LittleEndian(table.Slice(AcpiTableHeader.CreatorRevisionOffset), header.CreatorRevision);
    }

    /// <summary>Sets the Checksum byte so that the whole table sums to zero (ACPI 6.5 §5.2.6).</summary>
    public static void Seal(Span<byte> table)
    {
        table[AcpiTableHeader.ChecksumOffset] = 0;
        table[AcpiTableHeader.ChecksumOffset] = unchecked((byte)(0 - Sum(table)));
    }

    public static byte Sum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        foreach (byte b in bytes) sum += b;
        return (byte)sum;
    }

    private static bool SignatureIs(ReadOnlySpan<byte> signature, string expected)
    {
        for (int i = 0; i < AcpiTableHeader.SignatureLength; i++)
        {
            if (signature[i] != expected[i]) return false;
        }
        return true;
    }

    // Latin-1 maps every byte to one char and back, so fixed text fields round-trip exactly.
    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static void WriteText(Span<byte> destination, string value, string field)
    {
        if (value.Length > destination.Length)
            throw new ArgumentException($"{field} \"{value}\" is longer than {destination.Length} characters", nameof(value));
        destination.Fill((byte)' '); // ACPI pads short OEM strings with spaces
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] > 0xFF)
                throw new ArgumentException($"{field} \"{value}\" holds a character that is not one byte", nameof(value));
            destination[i] = (byte)value[i];
        }
    }
}
