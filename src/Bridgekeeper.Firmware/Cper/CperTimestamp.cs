namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// The 8-byte BCD timestamp of a CPER record header and GHES v3 data entry (UEFI 2.10 App. N.2.1,
/// Table N-2): seconds, minutes, hours, flags (bit 0 = precise), day, month, year, century. The raw
/// bytes are kept as they are, so a timestamp with invalid BCD still round-trips.
/// </summary>
public readonly record struct CperTimestamp(ulong Raw)
{
    public byte Seconds => (byte)Raw;
    public byte Minutes => (byte)(Raw >> 8);
    public byte Hours => (byte)(Raw >> 16);
    public byte Flags => (byte)(Raw >> 24);
    public byte Day => (byte)(Raw >> 32);
    public byte Month => (byte)(Raw >> 40);
    public byte Year => (byte)(Raw >> 48);
    public byte Century => (byte)(Raw >> 56);

    /// <summary>Bit 0 of the flags byte: the time is precise (UEFI App. N Table N-2).</summary>
    public bool IsPrecise => (Flags & 1) != 0;

    /// <summary>Binary-coded decimal to integer, digit by digit, as firmware writes it (no range check).</summary>
    public static int FromBcd(byte bcd) => (bcd >> 4) * 10 + (bcd & 0x0F);

    public static byte ToBcd(int value) => (byte)(((value / 10 % 10) << 4) | (value % 10));

    /// <summary>
    /// The ISO-8601 text libcper writes ("CCYY-MM-DDTHH:MM:SS+00:00"), or null when a field is out of
    /// range (libcper then omits the timestamp).
    /// </summary>
    public string? ToIsoString()
    {
        int century = FromBcd(Century) % 100, year = FromBcd(Year) % 100, month = FromBcd(Month), day = FromBcd(Day);
        int hours = FromBcd(Hours), minutes = FromBcd(Minutes), seconds = FromBcd(Seconds);
        if (month > 12 || day > 31 || hours > 24 || minutes > 60 || seconds >= 60) return null;
        return $"{century:D2}{year:D2}-{month:D2}-{day:D2}T{hours:D2}:{minutes:D2}:{seconds:D2}+00:00";
    }

    /// <summary>Parses the text form back; <paramref name="precise"/> sets flag bit 0.</summary>
    public static CperTimestamp Parse(string text, bool precise, string source)
    {
        // "CCYY-MM-DDTHH:MM:SS+00:00": fixed columns.
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
            throw new FirmwareFormatException(source, 0, "header.timestamp", $"'{text}' is not CCYY-MM-DDTHH:MM:SS+00:00");
        int Num(int at, int len) => int.TryParse(text.AsSpan(at, len), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int v) ? v
            : throw new FirmwareFormatException(source, 0, "header.timestamp", $"'{text}' has a non-numeric field");
        ulong raw = ToBcd(Num(17, 2))
            | (ulong)ToBcd(Num(14, 2)) << 8
            | (ulong)ToBcd(Num(11, 2)) << 16
            | (ulong)(precise ? 1u : 0u) << 24
            | (ulong)ToBcd(Num(8, 2)) << 32
            | (ulong)ToBcd(Num(5, 2)) << 40
            | (ulong)ToBcd(Num(2, 2)) << 48
            | (ulong)ToBcd(Num(0, 2)) << 56;
        return new CperTimestamp(raw);
    }
}
