using System.Buffers.Binary;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's MSI-X table and PBA (PCIe Base 6.0 §7.7.2, §6.1.4; Xen's vpci/msix.c). The pages of the
/// BAR that hold them are carved out of the guest's BAR mapping (<see cref="GuestBarSet.Trap"/>), so
/// every guest access there arrives here. Table entries are virtual (address, data, Vector Control;
/// each masked after reset, §7.7.2.4); while the guest has MSI-X enabled, entry <c>i</c> is programmed
/// into the device's physical table with the host ITS doorbell, data = EventID <c>i</c> and the guest's
/// mask bit, and the ITS maps (DeviceID, i) to the guest's virtual LPI (its data). PBA reads return the
/// device's pending bits; PBA writes are dropped. Other bytes of a trapped page go to the device as
/// they are (Xen's "adjacent" accesses). Accesses are 4 or 8 bytes, naturally aligned (§6.1.4.2); other
/// sizes read all ones and write nothing.
/// </summary>
public sealed class GuestMsixTable
{
    public const int EntrySize = 16;
    private const int VectorControl = 12;
    private const uint EntryMasked = 1;

    private readonly GuestDevice _device;
    private readonly int _capability;
    private readonly uint[] _entries;
    // Whether MSI-X's events are mapped in the ITS (see PhysicalMsi: only the mechanism that mapped unmaps).
    private bool _mapped;

    public GuestMsixTable(GuestDevice device, int capability, int tableSize, int tableBar, ulong tableOffset, int pbaBar, ulong pbaOffset)
    {
        _device = device;
        _capability = capability;
        _entries = new uint[tableSize * 4];
        for (int i = 0; i < tableSize; i++) _entries[i * 4 + 3] = EntryMasked;
        TableBar = tableBar;
        TableOffset = tableOffset;
        PbaBar = pbaBar;
        PbaOffset = pbaOffset;
    }

    public int TableSize => _entries.Length / 4;

    public int TableBar { get; }

    public ulong TableOffset { get; }

    public int PbaBar { get; }

    public ulong PbaOffset { get; }

    public ulong TableLength => (ulong)TableSize * EntrySize;

    /// <summary>PBA length: one bit per entry in whole qwords (§7.7.2.5).</summary>
    public ulong PbaLength => (ulong)((TableSize + 63) / 64 * 8);

    /// <summary>Whether the guest has MSI-X enabled (and so the device is programmed).</summary>
    public bool Enabled => (GuestControl & MsixCapability.Enable) != 0;

    public bool FunctionMasked => (GuestControl & MsixCapability.FunctionMask) != 0;

    private uint GuestControl => _device.Shadow.Read(_capability + MsixCapability.MessageControl, 2);

    /// <summary>The guest's view of entry <paramref name="index"/>: address, data, Vector Control.</summary>
    public (ulong Address, uint Data, uint VectorControl) Entry(int index) =>
        (_entries[index * 4] | ((ulong)_entries[index * 4 + 1] << 32), _entries[index * 4 + 2], _entries[index * 4 + 3]);

    /// <summary>A trapped guest read at <paramref name="offset"/> bytes into BAR <paramref name="bar"/>.</summary>
    public ulong Read(int bar, ulong offset, int size)
    {
        if (!IsValid(offset, size)) return size >= 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        if (bar == TableBar && offset >= TableOffset && offset < TableOffset + TableLength)
        {
            int word = (int)((offset - TableOffset) / 4);
            return size == 8 ? _entries[word] | ((ulong)_entries[word + 1] << 32) : _entries[word];
        }
        return ReadPhysical(bar, offset, size); // the PBA and adjacent registers are the device's
    }

    /// <summary>A trapped guest write at <paramref name="offset"/> bytes into BAR <paramref name="bar"/>.</summary>
    public void Write(int bar, ulong offset, int size, ulong value)
    {
        if (!IsValid(offset, size)) return;
        if (bar == TableBar && offset >= TableOffset && offset < TableOffset + TableLength)
        {
            int word = (int)((offset - TableOffset) / 4);
            Store(word, (uint)value);
            if (size == 8) Store(word + 1, (uint)(value >> 32));
            int entry = word / 4;
            if (Enabled) ProgramEntry(entry);
            return;
        }
        if (bar == PbaBar && offset >= PbaOffset && offset < PbaOffset + PbaLength) return; // PBA is read-only
        WritePhysical(bar, offset, size, value);
    }

    /// <summary>After a guest write to Message Control: (re)programs or turns off MSI-X on the device.</summary>
    public void OnControlWritten()
    {
        var interrupts = _device.Interrupts;
        uint guest = GuestControl & (MsixCapability.Enable | MsixCapability.FunctionMask);
        int control = _capability + MsixCapability.MessageControl;
        if ((guest & MsixCapability.Enable) == 0)
        {
            _device.WithPhysical(p => p.Write(_device.Physical, control, 2, (p.Read(_device.Physical, control, 2) & ~(uint)(MsixCapability.Enable | MsixCapability.FunctionMask)) | guest));
            if (_mapped && !_device.SharesItsDeviceId) interrupts?.UnmapDevice(_device.ItsDeviceId); // see PhysicalMsi.Apply
            _mapped = false;
            return;
        }
        Restore();
    }

    /// <summary>
    /// Programs the whole physical table and the enables from the guest's state, with the function
    /// masked while the entries change (Xen's msix.c sets Function Mask around table updates).
    /// </summary>
    public void Restore()
    {
        int control = _capability + MsixCapability.MessageControl;
        uint guest = GuestControl & (MsixCapability.Enable | MsixCapability.FunctionMask);
        if ((guest & MsixCapability.Enable) == 0) return;
        if (_mapped && !_device.SharesItsDeviceId) _device.Interrupts?.UnmapDevice(_device.ItsDeviceId);
        uint others = 0;
        _device.WithPhysical(p =>
        {
            others = p.Read(_device.Physical, control, 2) & ~(uint)(MsixCapability.Enable | MsixCapability.FunctionMask);
            p.Write(_device.Physical, control, 2, others | MsixCapability.Enable | MsixCapability.FunctionMask);
        });
        for (int i = 0; i < TableSize; i++) ProgramEntry(i);
        _device.WithPhysical(p => p.Write(_device.Physical, control, 2, others | guest));
    }

    private void Store(int word, uint value)
    {
        switch (word % 4)
        {
            case 0: _entries[word] = value & ~3u; break;                                 // Message Address bits 1:0 are 0
            case 3: _entries[word] = (_entries[word] & ~EntryMasked) | (value & EntryMasked); break; // only Mask is writable
            default: _entries[word] = value; break;
        }
    }

    /// <summary>Maps every entry's event to the guest's LPI while MSI-X is enabled; touches no device register.</summary>
    internal void MapEvents()
    {
        if (!Enabled) return;
        for (int i = 0; i < TableSize; i++) MapEntry(i);
    }

    /// <summary>
    /// Whether entry <paramref name="entry"/> has an EventID of its own: a function sharing its DeviceID
    /// has 256 events (<see cref="GuestDevice.EventIdBase"/>); entries past those stay masked on the device.
    /// </summary>
    private bool HasEvent(int entry) => !_device.SharesItsDeviceId || entry < 256;

    private void MapEntry(int entry)
    {
        if (!HasEvent(entry)) return;
        _device.Interrupts?.MapLpi(_device.ItsDeviceId, _device.EventIdBase + (uint)entry, _device.Domain, Entry(entry).Data);
        _mapped = true;
    }

    private void ProgramEntry(int entry)
    {
        var (_, _, vectorControl) = Entry(entry);
        MapEntry(entry);
        uint eventId = _device.EventIdBase + (uint)entry;
        if (!HasEvent(entry)) vectorControl = EntryMasked;
        ulong doorbell = _device.ItsDoorbell;
        ulong at = TableOffset + (ulong)(entry * EntrySize);
        Span<byte> bytes = stackalloc byte[EntrySize];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)doorbell);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], (uint)(doorbell >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], eventId);
        // Mask first, then address and data, then the guest's mask (§6.1.4.5: change an entry only while masked).
        WritePhysical(TableBar, at + VectorControl, 4, EntryMasked);
        WritePhysical(TableBar, at, 8, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        WritePhysical(TableBar, at + 8, 4, eventId);
        WritePhysical(TableBar, at + VectorControl, 4, vectorControl & EntryMasked);
    }

    private static bool IsValid(ulong offset, int size) => (size == 4 || size == 8) && offset % (ulong)size == 0;

    private ulong ReadPhysical(int bar, ulong offset, int size)
    {
        if (_device.Mmio is not { } mmio || _device.Bars.HostAddressOf(bar) is not ulong host) return size >= 8 ? ulong.MaxValue : 0xFFFF_FFFF;
        Span<byte> bytes = stackalloc byte[8];
        mmio.Read(host + offset, bytes[..size]);
        return size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private void WritePhysical(int bar, ulong offset, int size, ulong value)
    {
        if (_device.Mmio is not { } mmio || _device.Bars.HostAddressOf(bar) is not ulong host) return;
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        mmio.Write(host + offset, bytes[..size]);
    }
}
