using System.Buffers.Binary;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>Builds a function's config bytes, then a ConfigSpace with attributes compiled from them plus declared BARs.</summary>
public sealed class ConfigBuilder
{
    private readonly byte[] _bytes = new byte[ConfigSpace.ExtendedSize];
    private readonly List<(int Offset, ulong Size, bool Io, bool Wide)> _bars = [];
    private (int Offset, uint Size)? _rom;

    public ConfigBuilder U8(int at, byte v) { _bytes[at] = v; return this; }

    public ConfigBuilder U16(int at, ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(at), v); return this; }

    public ConfigBuilder U32(int at, uint v) { BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(at), v); return this; }

    public ConfigBuilder Bar(int at, ulong size, bool io = false, bool wide = false) { _bars.Add((at, size, io, wide)); return this; }

    public ConfigBuilder Rom(int at, uint size) { _rom = (at, size); return this; }

    public ConfigSpace Build()
    {
        var attributes = ConfigLayoutCompiler.Compile(_bytes);
        foreach (var (offset, size, io, wide) in _bars) attributes.DeclareBar(offset, size, io, wide);
        if (_rom is { } rom) attributes.DeclareRom(rom.Offset, rom.Size);
        return ConfigSpace.Create(_bytes, attributes.Freeze());
    }

    /// <summary>
    /// An endpoint: 64-bit prefetchable BAR0 (1 MiB), 32-bit BAR2 of 256 bytes at page offset 0x100,
    /// I/O BAR3, a 64 KiB ROM; capabilities PM (hidden) -> MSI (64-bit, masking, 4 vectors) -> PCIe
    /// (endpoint, FLR, phantom) -> MSI-X -> vendor-specific (hidden); extended AER (with latched status),
    /// ACS, SR-IOV.
    /// </summary>
    public static ConfigSpace Endpoint(ushort deviceId = 0x1572, bool multifunction = true)
    {
        var b = new ConfigBuilder()
            .U16(0x00, 0x8086).U16(0x02, deviceId).U16(0x06, 0x0010).U32(0x08, 0x0200_0001)
            .U8(0x0E, (byte)(multifunction ? 0x80 : 0x00))
            .U32(0x10, 0x8000_000C).U32(0x14, 0x0000_0040)      // 64-bit prefetchable at 0x40_8000_0000
            .U32(0x18, 0xE000_1100)                              // 32-bit, 256 bytes at page offset 0x100
            .U32(0x1C, 0x0000_2001)                              // I/O
            .U32(0x2C, 0x0001_8086).U32(0x30, 0xE010_0000).U8(0x34, 0x40).U8(0x3D, 1)
            // PM at 0x40
            .U8(0x40, 0x01).U8(0x41, 0x50).U16(0x42, 0x0003)
            // MSI at 0x50: 64-bit, per-vector masking, Multiple Message Capable = 4 vectors
            .U8(0x50, 0x05).U8(0x51, 0x70).U16(0x52, 0x0184)
            // PCIe v2 endpoint at 0x70: DevCap FLR + phantom; DevCtl: reporting on, RO, NS, MRRS 512; link x4 gen3
            .U8(0x70, 0x10).U8(0x71, 0xB0).U16(0x72, 0x0002)
            .U32(0x74, PciExpressCapability.DevCapFlrCapable | 0x08).U16(0x78, 0x281F)
            .U32(0x7C, 0x0000_0043).U16(0x80, 0x0040).U16(0x82, 0x2043)
            // MSI-X at 0xB0: 16 entries, table BIR 0 @0x2000, PBA BIR 0 @0x3000
            .U8(0xB0, 0x11).U8(0xB1, 0xC0).U16(0xB2, 0x000F).U32(0xB4, 0x2000).U32(0xB8, 0x3000)
            // Vendor-specific at 0xC0
            .U8(0xC0, 0x09).U8(0xC1, 0x00).U8(0xC2, 0x08)
            // AER at 0x100 -> ACS at 0x140 -> SR-IOV at 0x160
            .U32(0x100, 0x1401_0001)
            .U32(0x104, AerCapability.PoisonedTlpReceived).U32(0x108, AerCapability.UnsupportedRequest)
            .U32(0x10C, AerCapability.DefaultSeverity).U32(0x110, AerCapability.ReceiverError).U32(0x114, AerCapability.DefaultCorrectableMask)
            .U32(0x118, AerCapability.EcrcGenerationCapable | AerCapability.EcrcCheckCapable | 12)
            .U32(0x11C, 0x4A00_0001)
            .U32(0x140, 0x1601_000D).U16(0x144, 0x007F).U16(0x146, 0x001D)
            .U32(0x160, 0x0001_0010).U16(0x16E, 8)
            .Bar(0x10, 1 << 20, wide: true).Bar(0x18, 256).Bar(0x1C, 32, io: true).Rom(0x30, 64 * 1024);
        return b.Build();
    }

    /// <summary>A PCIe root port (Type 1) with bus numbers, a memory window, ACS (SV RR CR UF on) and a PCIe capability.</summary>
    public static ConfigSpace RootPort(byte secondary, byte subordinate)
    {
        return new ConfigBuilder()
            .U16(0x00, 0x8086).U16(0x02, 0x2030).U16(0x06, 0x0010).U32(0x08, 0x0604_0000).U8(0x0E, 0x01)
            .U8(0x18, 0).U8(0x19, secondary).U8(0x1A, subordinate)
            .U16(0x20, 0xE000).U16(0x22, 0xE0F0).U8(0x34, 0x40)
            .U8(0x40, 0x10).U8(0x41, 0x00).U16(0x42, 0x0042)
            .U32(0x100, 0x0001_000D).U16(0x104, 0x005F).U16(0x106, 0x001D)
            .Build();
    }
}
