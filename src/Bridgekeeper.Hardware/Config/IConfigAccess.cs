using System.Buffers.Binary;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// Physical config access through the ECAM the hypervisor owns (PCIe Base 6.0 §7.2.2). Accesses are
/// 1, 2 or 4 bytes, naturally aligned. A function that does not exist reads all ones and ignores
/// writes. A function still initialising after a reset answers with Request Retry Status: with RRS
/// Software Visibility enabled in its root port (Root Control bit 4), a 2- or 4-byte read of the
/// Vendor ID returns 0x0001 (§2.3.2); other reads return all ones.
/// </summary>
public interface IConfigAccess
{
    uint Read(Sbdf function, int offset, int size);

    void Write(Sbdf function, int offset, int size, uint value);

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes from <paramref name="offset"/> (both multiples of 4,
    /// within 4 KiB): exactly the values the consecutive 4-byte reads would return, little-endian. ECAM is
    /// memory-mapped, so a copy of a register block is that sequence of loads; an implementation that can
    /// route the request once overrides this, with the same result.
    /// </summary>
    void ReadBlock(Sbdf function, int offset, Span<byte> destination)
    {
        CheckBlock(offset, destination.Length);
        for (int o = 0; o < destination.Length; o += 4)
            BinaryPrimitives.WriteUInt32LittleEndian(destination[o..], Read(function, offset + o, 4));
    }

    /// <summary>Throws unless [offset, offset + length) is a whole number of dwords inside the 4 KiB space.</summary>
    static void CheckBlock(int offset, int length)
    {
        if ((offset & 3) != 0 || (length & 3) != 0 || offset < 0 || length < 0 || offset + length > ConfigSpace.ExtendedSize)
            throw new ArgumentOutOfRangeException(nameof(offset), $"config block [{offset:x3}, +{length:x}) is not whole dwords within 4 KiB");
    }
}
