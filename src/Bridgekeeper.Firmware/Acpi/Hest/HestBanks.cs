using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>The array of 28-byte error banks that ends every IA-32 machine check source (types 0, 1, 11).</summary>
internal static class HestBanks
{
    /// <summary>The Number of Hardware Banks field is one byte (ACPI 6.5 Table 18.4).</summary>
    public const int MaxCount = byte.MaxValue;

    public static ImmutableArray<HestErrorBank> Read(ReadOnlySpan<byte> banks, int count)
    {
        var builder = ImmutableArray.CreateBuilder<HestErrorBank>(count);
        for (int i = 0; i < count; i++)
            builder.Add(HestErrorBank.Read(banks.Slice(i * HestErrorBank.Size, HestErrorBank.Size)));
        return builder.MoveToImmutable();
    }

    public static void Write(ImmutableArray<HestErrorBank> banks, Span<byte> destination)
    {
        for (int i = 0; i < banks.Length; i++)
            banks[i].Write(destination.Slice(i * HestErrorBank.Size, HestErrorBank.Size));
    }

    public static void CheckCount(ImmutableArray<HestErrorBank> banks, ushort sourceId)
    {
        if (banks.IsDefault)
            throw new ArgumentException($"HEST source {sourceId}: Banks is not initialised");
        if (banks.Length > MaxCount)
            throw new ArgumentException($"HEST source {sourceId}: {banks.Length} banks, at most {MaxCount} fit the one-byte count");
    }
}
