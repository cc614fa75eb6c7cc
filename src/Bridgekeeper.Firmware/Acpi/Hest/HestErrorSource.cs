namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// One error source structure of the HEST (ACPI 6.5 §18.3.2). Every structure starts with a 16-bit
/// type and a 16-bit Source Id; its size follows from the type (and, for IA-32 machine check types,
/// from the number of hardware banks): HEST subtables have no length field of their own.
/// </summary>
public abstract record HestErrorSource(ushort SourceId)
{
    // ACPI 6.5 §18.3.2: the two fields every error source structure starts with.
    internal const int TypeOffset = 0;
    internal const int SourceIdOffset = 2;

    public abstract HestSourceType Type { get; }

    /// <summary>Bytes this structure occupies in the table.</summary>
    public abstract int Length { get; }

    /// <summary>Writes exactly <see cref="Length"/> bytes (type and source id included).</summary>
    public abstract void Write(Span<byte> destination);
}
