namespace Bridgekeeper.Firmware.Acpi;

/// <summary>
/// The identifying fields of the 36-byte System Description Table Header (ACPI 6.5 §5.2.6).
/// Length and Checksum are not here: they are facts about the bytes, which a writer computes and a
/// reader reports in <see cref="AcpiTableFrame"/>. The text fields are kept byte for byte (Latin-1),
/// so a table whose OEM ID holds NULs or non-ASCII bytes is written back unchanged.
/// </summary>
public readonly record struct AcpiTableHeader(
    string Signature,
    byte Revision,
    string OemId,
    string OemTableId,
    uint OemRevision,
    string CreatorId,
    uint CreatorRevision)
{
    // ACPI 6.5 §5.2.6 Table 5.4: field offsets and lengths of the System Description Table Header.
    public const int SignatureOffset = 0;
    public const int SignatureLength = 4;
    public const int LengthOffset = 4;
    public const int RevisionOffset = 8;
    public const int ChecksumOffset = 9;
    public const int OemIdOffset = 10;
    public const int OemIdLength = 6;
    public const int OemTableIdOffset = 16;
    public const int OemTableIdLength = 8;
    public const int OemRevisionOffset = 24;
    public const int CreatorIdOffset = 28;
    public const int CreatorIdLength = 4;
    public const int CreatorRevisionOffset = 32;
    public const int Size = 36;
}
