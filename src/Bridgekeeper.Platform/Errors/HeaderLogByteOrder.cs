namespace Bridgekeeper.Platform;

/// <summary>
/// How a captured TLP header lands in the Header Log. The spec (PCIe Base 6.0 §7.8.4.8) puts header
/// byte 0 in bits 31:24 of the first dword, so a header dword given as a 32-bit number reads back
/// unchanged. QEMU stores each dword big-endian in config space, so a dword read returns it
/// byte-swapped (0x40000001 reads 0x01000040); <c>bridgekeeper inject</c> reproduces that to match
/// what a QEMU machine shows.
/// </summary>
public enum HeaderLogByteOrder
{
    Spec,
    QemuByteSwapped,
}
