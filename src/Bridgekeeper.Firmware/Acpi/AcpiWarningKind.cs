namespace Bridgekeeper.Firmware.Acpi;

/// <summary>Kinds of tolerated defects in an ACPI table; each is reported with its offset.</summary>
public enum AcpiWarningKind
{
    /// <summary>The bytes of the table do not sum to zero (ACPI 6.5 §5.2.6); iasl warns and goes on.</summary>
    BadChecksum,

    /// <summary>The input holds bytes after the table's Length.</summary>
    TrailingBytes,

    /// <summary>The table ends before a fixed field of its own header (e.g. HEST Error Source Count).</summary>
    TableTooShort,

    /// <summary>A subtable of a type the spec reserves; HEST subtables carry no length, so the walk stops.</summary>
    UnknownSubtableType,

    /// <summary>A subtable runs past the end of the table.</summary>
    TruncatedSubtable,

    /// <summary>The declared count of subtables disagrees with the walk.</summary>
    CountMismatch,

    /// <summary>Zero bytes where a subtable would start (padding firmware left between or after subtables).</summary>
    ZeroPadding,

    /// <summary>A Hardware Error Notification Structure whose Length is not 28 (ACPI 6.5 §18.3.2.9).</summary>
    NotifyLength,

    /// <summary>A notification type the spec reserves (12 and above in ACPI 6.5 Table 18.14).</summary>
    ReservedNotifyType,

    /// <summary>Two error sources with the same Source Id (Linux hest.c rejects the second).</summary>
    DuplicateSourceId,

    /// <summary>A reference (IORT node offset, ID mapping target) that does not point where it should.</summary>
    BadReference,

    /// <summary>A field whose value the spec does not allow (e.g. an MCFG end bus below its start bus).</summary>
    InvalidField,
}
