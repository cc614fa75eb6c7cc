namespace Bridgekeeper.Hardware;

/// <summary>
/// Physical memory as firmware shares it with the OS: GHES error status blocks, the addresses that
/// point at them (ACPI Generic Address Structures), GHESv2 read-ack registers.
/// </summary>
public interface ISystemMemory
{
    void Read(ulong address, Span<byte> destination);

    void Write(ulong address, ReadOnlySpan<byte> source);
}
