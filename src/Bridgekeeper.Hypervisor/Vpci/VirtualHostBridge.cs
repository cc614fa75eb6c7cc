using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A guest's virtual ECAM host bridge (Xen's <c>pcie@10000000</c>, <c>pci-host-ecam-generic</c>;
/// xen-passthrough.md §12): segment 0, up to 32 slots on bus 0, each <c>00:NN.0</c> taken from the first
/// free bit of a 32-bit map and released on detach. A device is placed either directly in a slot
/// (notification option (a)) or behind a <see cref="VirtualRootPort"/> in that slot, on secondary bus
/// NN + 1 (option (b)). Lookup is two array indexes (bus, then DevFn); an address with nothing there
/// reads all ones and ignores writes, as an absent function does (PCIe Base 6.0 §7.2.2).
/// </summary>
public sealed class VirtualHostBridge(DomainId domain)
{
    public const int MaxSlots = 32;

    /// <summary>GUEST_VPCI_ECAM_BASE (xen/include/public/arch-arm.h).</summary>
    public const ulong EcamBase = 0x1000_0000;

    private readonly VirtualFunction?[]?[] _buses = new VirtualFunction?[]?[256];
    private readonly GuestDevice?[] _deviceInSlot = new GuestDevice?[MaxSlots];
    private uint _slotsUsed;

    public DomainId Domain { get; } = domain;

    public IEnumerable<GuestDevice> Devices
    {
        get
        {
            foreach (var d in _deviceInSlot)
                if (d is not null) yield return d;
        }
    }

    public int FreeSlots => MaxSlots - System.Numerics.BitOperations.PopCount(_slotsUsed);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public VirtualFunction? FunctionAt(Sbdf virtualAddress)
    {
        if (virtualAddress.Segment != 0) return null;
        // A bus's array is only as long as its highest DevFn in use (a device's own bus has just 00.0).
        var bus = _buses[virtualAddress.Bus];
        int devFn = virtualAddress.DevFn;
        return bus is not null && (uint)devFn < (uint)bus.Length ? bus[devFn] : null;
    }

    public ulong Read(Sbdf virtualAddress, int offset, int size)
    {
        var function = FunctionAt(virtualAddress);
        if (function is null) return size >= 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        return function.Registers.Read(offset, size);
    }

    public void Write(Sbdf virtualAddress, int offset, int size, ulong value)
    {
        var function = FunctionAt(virtualAddress);
        function?.Registers.Write(offset, size, value);
    }

    public GuestDevice? DeviceFor(Sbdf physical)
    {
        foreach (var d in _deviceInSlot)
            if (d is not null && d.Physical == physical) return d;
        return null;
    }

    public VirtualRootPort? RootPortAbove(GuestDevice device) =>
        device.VirtualAddress.Bus == 0 ? null : FunctionAt(new Sbdf(0, 0, device.VirtualAddress.Bus - 1, 0)) as VirtualRootPort;

    /// <summary>Places a device directly at <c>00:NN.0</c> (option (a)).</summary>
    public GuestDevice AttachDirect(Func<Sbdf, GuestDevice> build)
    {
        int slot = TakeSlot();
        GuestDevice device;
        try
        {
            device = build(new Sbdf(0, 0, slot, 0));
        }
        catch
        {
            _slotsUsed &= ~(1u << slot);
            throw;
        }
        Place(device);
        _deviceInSlot[slot] = device;
        return device;
    }

    /// <summary>Places a virtual root port at <c>00:NN.0</c> and the device at <c>(NN+1):00.0</c> below it (option (b)).</summary>
    public GuestDevice AttachBehindRootPort(Func<Sbdf, GuestDevice> build, Func<Sbdf, byte, VirtualRootPort> rootPort)
    {
        int slot = TakeSlot();
        byte bus = (byte)(slot + 1);
        var port = rootPort(new Sbdf(0, 0, slot, 0), bus);
        GuestDevice device;
        try
        {
            device = build(new Sbdf(0, bus, 0, 0));
        }
        catch
        {
            _slotsUsed &= ~(1u << slot);
            throw;
        }
        port.Device = device;
        Place(port);
        Place(device);
        _deviceInSlot[slot] = device;
        return device;
    }

    /// <summary>Removes the device (and its root port); returns it, or null when the guest does not have it.</summary>
    public GuestDevice? Detach(Sbdf physical)
    {
        for (int slot = 0; slot < MaxSlots; slot++)
        {
            var device = _deviceInSlot[slot];
            if (device is null || device.Physical != physical) continue;
            _buses[device.VirtualAddress.Bus]![device.VirtualAddress.DevFn] = null;
            if (device.VirtualAddress.Bus != 0)
                _buses[0]![new Sbdf(0, 0, slot, 0).DevFn] = null;
            _deviceInSlot[slot] = null;
            _slotsUsed &= ~(1u << slot);
            return device;
        }
        return null;
    }

    private int TakeSlot()
    {
        if (_slotsUsed == 0xFFFF_FFFF) throw new InvalidOperationException($"{Domain}: all {MaxSlots} virtual slots are in use");
        int slot = System.Numerics.BitOperations.TrailingZeroCount(~_slotsUsed);
        _slotsUsed |= 1u << slot;
        return slot;
    }

    private void Place(VirtualFunction function)
    {
        var a = function.VirtualAddress;
        ref var bus = ref _buses[a.Bus];
        if (bus is null || bus.Length <= a.DevFn) Array.Resize(ref bus, a.DevFn + 1);
        bus[a.DevFn] = function;
    }
}
