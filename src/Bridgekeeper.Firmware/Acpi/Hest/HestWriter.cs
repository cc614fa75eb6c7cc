using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// Writes a HEST (ACPI 6.5 §18.3.2): header with computed Length and checksum, Error Source Count
/// equal to the number of sources, and the sources back to back with no padding.
/// </summary>
public static class HestWriter
{
    public static byte[] Write(HestTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.ErrorSources.IsDefault)
            throw new ArgumentException("HEST error sources are not initialised");
        int length = HestTable.FirstErrorSourceOffset;
        foreach (var source in table.ErrorSources) length += source.Length;

        var bytes = new byte[length];
        AcpiTableCodec.WriteHeader(bytes, table.Header, HestTable.Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HestTable.ErrorSourceCountOffset), (uint)table.ErrorSources.Length);
        int at = HestTable.FirstErrorSourceOffset;
        foreach (var source in table.ErrorSources)
        {
            source.Write(bytes.AsSpan(at, source.Length));
            at += source.Length;
        }
        AcpiTableCodec.Seal(bytes);
        return bytes;
    }
}
