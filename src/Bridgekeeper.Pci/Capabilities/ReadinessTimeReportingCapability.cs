namespace Bridgekeeper.Pci;

/// <summary>
/// Readiness Time Reporting Extended Capability (ID 0x0022, PCIe Base 6.0 §7.9.16): how long the
/// function needs after reset, DL_Up, FLR and D3hot→D0 before it answers config requests with a
/// successful completion. Each time is a 12-bit field: value (bits 8:0) times 32^scale (bits 11:9) ns.
/// </summary>
public static class ReadinessTimeReportingCapability
{
    public const int Register1 = 0x04;
    public const int Register2 = 0x08;

    /// <summary>Register 1 bit 31: the reported times are valid.</summary>
    public const uint Valid = 1u << 31;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("Readiness Time Reporting", "PCIe Base 6.0 §7.9.16",
        new(0x00, 4, "RTR Extended Capability Header"),
        new(Register1, 4, "Readiness Time Reporting 1", HwInit: 0x80FF_FFFF),
        new(Register2, 4, "Readiness Time Reporting 2", HwInit: 0x00FF_FFFF));

    /// <summary>Decodes one 12-bit time field to nanoseconds.</summary>
    public static long DecodeTime(uint field12)
    {
        long value = field12 & 0x1FF;
        int scale = (int)((field12 >> 9) & 0x7);
        return scale > 5 ? long.MaxValue : value << (5 * scale);
    }

    /// <summary>Encodes nanoseconds as the smallest 12-bit field not shorter than the time.</summary>
    public static uint EncodeTime(long nanoseconds)
    {
        for (int scale = 0; scale <= 5; scale++)
        {
            long unit = 1L << (5 * scale);
            long value = (nanoseconds + unit - 1) / unit;
            if (value <= 0x1FF) return (uint)(scale << 9) | (uint)value;
        }
        throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, "readiness time too long to encode");
    }

    public static bool IsValid(ReadOnlySpan<byte> config, int offset) => (ConfigBytes.U32(config, offset + Register1) & Valid) != 0;

    public static long ResetTimeNs(ReadOnlySpan<byte> config, int offset) => DecodeTime(ConfigBytes.U32(config, offset + Register1) & 0xFFF);

    public static long DlUpTimeNs(ReadOnlySpan<byte> config, int offset) => DecodeTime((ConfigBytes.U32(config, offset + Register1) >> 12) & 0xFFF);

    public static long FlrTimeNs(ReadOnlySpan<byte> config, int offset) => DecodeTime(ConfigBytes.U32(config, offset + Register2) & 0xFFF);

    public static long D3HotToD0TimeNs(ReadOnlySpan<byte> config, int offset) => DecodeTime((ConfigBytes.U32(config, offset + Register2) >> 12) & 0xFFF);
}
