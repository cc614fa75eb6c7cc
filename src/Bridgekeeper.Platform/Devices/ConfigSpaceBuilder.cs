using System.Buffers.Binary;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// Lays out a function's config space from the spec's declarations: IDs and header, BARs, and
/// capabilities chained from 0x40 (standard, PCI Local Bus 3.0 §6.7) and 0x100 (extended, PCIe Base
/// 6.0 §7.6). <see cref="Build"/> compiles the attribute masks from the content with
/// <see cref="ConfigLayoutCompiler"/> and declares the BAR sizes, so every model uses the one
/// <see cref="ConfigSpace"/> model and the register tables of Bridgekeeper.Pci.
/// </summary>
public sealed class ConfigSpaceBuilder
{
    private readonly byte[] _bytes;
    private readonly List<(int Offset, ulong Size, bool Io, bool Is64)> _bars = [];
    private int _nextStandard = 0x40;
    private int _lastStandard;
    private int _nextExtended = CapabilityList.ExtendedListStart;
    private int _lastExtended = -1;

    public ConfigSpaceBuilder(bool extended, byte headerType)
    {
        _bytes = new byte[extended ? ConfigSpace.ExtendedSize : ConfigSpace.ConventionalSize];
        _bytes[ConfigHeader.HeaderType] = headerType;
    }

    /// <summary>I/O Base/Limit bits 3:0 = 01h: the bridge decodes 32-bit I/O addresses (PCI-to-PCI Bridge 1.2 §3.2.5.6).</summary>
    public const byte IoAddressing32 = 0x01;

    public bool IsBridge => (_bytes[ConfigHeader.HeaderType] & 0x7F) == 1;

    public ConfigSpaceBuilder Ids(ushort vendor, ushort device, byte revision, uint classCode)
    {
        U16(ConfigHeader.VendorId, vendor);
        U16(ConfigHeader.DeviceId, device);
        _bytes[ConfigHeader.RevisionId] = revision;
        _bytes[0x09] = (byte)classCode;
        _bytes[0x0A] = (byte)(classCode >> 8);
        _bytes[0x0B] = (byte)(classCode >> 16);
        if (IsBridge)
        {
            // §7.5.1.3.9: the low nibble of the prefetchable window registers says 64-bit addressing;
            // §7.5.1.3.6 (PCI-to-PCI Bridge 1.2 §3.2.5.6): that of I/O Base/Limit says 32-bit I/O
            // addressing (01h), so I/O Base/Limit Upper 16 Bits are implemented.
            _bytes[ConfigHeader.PrefetchableBase] = 0x01;
            _bytes[ConfigHeader.PrefetchableLimit] = 0x01;
            _bytes[ConfigHeader.IoBase] = IoAddressing32;
            _bytes[ConfigHeader.IoLimit] = IoAddressing32;
        }
        return this;
    }

    public ConfigSpaceBuilder Subsystem(ushort vendor, ushort device)
    {
        if (IsBridge) return this;
        U16(ConfigHeader.SubsystemVendorId, vendor);
        U16(ConfigHeader.SubsystemId, device);
        return this;
    }

    public ConfigSpaceBuilder MultiFunction()
    {
        _bytes[ConfigHeader.HeaderType] |= ConfigHeader.MultiFunctionBit;
        return this;
    }

    public ConfigSpaceBuilder InterruptPin(byte pin)
    {
        _bytes[ConfigHeader.InterruptPin] = pin;
        return this;
    }

    /// <summary>Status bit 0, Immediate Readiness (§7.5.1.1.4): Configuration-Ready right after reset.</summary>
    public ConfigSpaceBuilder ImmediateReadiness()
    {
        _bytes[ConfigHeader.Status] |= 0x01;
        return this;
    }

    /// <summary>A memory BAR (§7.5.1.2.1): type bits in the value, size through the writable mask at build time.</summary>
    public ConfigSpaceBuilder MemoryBar(int index, ulong size, bool is64, bool prefetchable)
    {
        int at = ConfigHeader.Bar0 + 4 * index;
        U32(at, (is64 ? 0x4u : 0u) | (prefetchable ? 0x8u : 0u));
        _bars.Add((at, size, false, is64));
        return this;
    }

    /// <summary>
    /// An I/O BAR (§7.5.1.2.1; PCI Local Bus 3.0 §6.2.5.1): bit 0 reads 1 (I/O Space indicator), bit 1
    /// is reserved, and the address bits above the size are writable, so writing all ones reads back
    /// ~(size − 1) with bit 0 set.
    /// </summary>
    public ConfigSpaceBuilder IoBar(int index, uint size)
    {
        int at = ConfigHeader.Bar0 + 4 * index;
        U32(at, 0x1u);
        _bars.Add((at, size, true, false));
        return this;
    }

    /// <summary>A BAR-like register elsewhere (SR-IOV VF BARs, §9.3.3.14).</summary>
    public ConfigSpaceBuilder BarAt(int offset, ulong size, bool is64, bool prefetchable)
    {
        U32(offset, (is64 ? 0x4u : 0u) | (prefetchable ? 0x8u : 0u));
        _bars.Add((offset, size, false, is64));
        return this;
    }

    /// <summary>Appends a standard capability of <paramref name="length"/> bytes and returns its offset.</summary>
    public int AddStandard(CapabilityId id, int length)
    {
        int at = _nextStandard;
        if (at + length > 0x100) throw new InvalidOperationException($"standard capabilities overflow 0xFF at {id}");
        _bytes[at] = (byte)id;
        if (_lastStandard == 0) _bytes[ConfigHeader.CapabilitiesPointer] = (byte)at;
        else _bytes[_lastStandard + 1] = (byte)at;
        _bytes[ConfigHeader.Status] |= (byte)ConfigHeader.StatusCapabilitiesList;
        _lastStandard = at;
        _nextStandard = (at + length + 3) & ~3;
        return at;
    }

    /// <summary>Appends an extended capability and returns its offset.</summary>
    public int AddExtended(ExtendedCapabilityId id, byte version, int length)
    {
        if (_bytes.Length < ConfigSpace.ExtendedSize) throw new InvalidOperationException("a conventional function has no extended capabilities");
        int at = _nextExtended;
        if (at + length > ConfigSpace.ExtendedSize) throw new InvalidOperationException($"extended capabilities overflow at {id}");
        U32(at, (uint)id | (uint)version << 16);
        if (_lastExtended >= 0) U32(_lastExtended, ConfigBytes.U32(_bytes, _lastExtended) | (uint)at << 20);
        _lastExtended = at;
        _nextExtended = (at + length + 7) & ~7;
        return at;
    }

    public ConfigSpaceBuilder U16(int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public ConfigSpaceBuilder U32(int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public ConfigSpace Build()
    {
        var attributes = ConfigLayoutCompiler.Compile(_bytes);
        foreach (var (offset, size, io, is64) in _bars)
            attributes.DeclareBar(offset, size, io, is64);
        return ConfigSpace.Create(_bytes, attributes.Freeze());
    }
}
