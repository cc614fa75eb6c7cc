namespace Bridgekeeper.Firmware.Cper;

/// <summary>
/// One section of a CPER record: its descriptor and its body bytes (a slice of the record, not a copy).
/// Typed views (<see cref="PcieErrorSection"/> and the JSON codecs) decode the body on demand; a section
/// of a type nobody decodes is simply kept as its GUID and raw bytes.
/// </summary>
public sealed record CperSection(CperSectionDescriptor Descriptor, ReadOnlyMemory<byte> Body)
{
    public Guid SectionType => Descriptor.SectionType;

    public bool Equals(CperSection? other) =>
        other is not null && Descriptor == other.Descriptor && Body.Span.SequenceEqual(other.Body.Span);

    public override int GetHashCode() => HashCode.Combine(Descriptor, Body.Length);
}
