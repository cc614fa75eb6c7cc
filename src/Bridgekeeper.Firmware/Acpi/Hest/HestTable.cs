using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// Hardware Error Source Table (ACPI 6.5 §18.3.2): the header's identity and the error sources in
/// table order. Length, checksum and Error Source Count are derived when written; what a read found
/// in them is in <see cref="HestReadResult"/>.
/// </summary>
public sealed record HestTable(AcpiTableHeader Header, ImmutableArray<HestErrorSource> ErrorSources)
{
    public const string Signature = "HEST";

    // ACPI 6.5 §18.3.2 Table 18.2: the table body starts with Error Source Count.
    public const int ErrorSourceCountOffset = AcpiTableHeader.Size;
    public const int FirstErrorSourceOffset = ErrorSourceCountOffset + 4;

    public bool Equals(HestTable? other) =>
        other is not null && Header == other.Header && ImmutableArrayEquality.Equal(ErrorSources, other.ErrorSources);

    public override int GetHashCode() => HashCode.Combine(Header, ImmutableArrayEquality.Hash(ErrorSources));
}
