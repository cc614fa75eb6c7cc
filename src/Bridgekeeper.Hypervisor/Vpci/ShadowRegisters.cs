using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// Builds vPCI registrations over a shadow <see cref="ConfigSpace"/> from the spec's register rows, so
/// a register's guest semantics come from the same data the physical model uses: RW bits take the
/// value, RW1C bits clear where written 1, RO and HwInit keep, RsvdP preserves, RsvdZ writes zero.
/// None of these ever reaches hardware.
/// </summary>
public static class ShadowRegisters
{
    /// <summary>The vPCI masks for a spec row: HwInit and unlisted bits are read-only to a guest.</summary>
    public static (uint ReadOnly, uint Rw1c, uint RsvdP, uint RsvdZ) MasksOf(in RegisterDef def) =>
        (def.ReadOnly | def.HwInit, def.Rw1c, def.RsvdP, def.RsvdZ);

    /// <summary>Registers a shadow register for a spec row; <paramref name="afterWrite"/> runs after each guest write (a side effect such as MSI enable).</summary>
    public static void Add(VirtualRegisterTable table, ConfigSpace shadow, in RegisterDef def, int baseOffset, uint initial, Action? afterWrite = null)
    {
        int at = baseOffset + def.Offset;
        shadow.Store(at, def.Width, initial & def.WidthMask);
        var (ro, rw1c, rsvdP, rsvdZ) = MasksOf(def);
        bool tableShadow = ReferenceEquals(table.Shadow, shadow);
        // Over the table's own shadow the handlers are the table's shared ones (the same read and store).
        var write = tableShadow ? table.ShadowWriter(rw1c) : WriterFor(shadow, rw1c);
        if (afterWrite is not null)
        {
            var store = write;
            write = (offset, size, value) => { store(offset, size, value); afterWrite(); };
        }
        table.Add(new VirtualRegister(at, def.Width, def.Name, tableShadow ? table.ShadowRead : shadow.Read, write, ro, rw1c, rsvdP, rsvdZ,
            ShadowBacked: afterWrite is null && tableShadow));
    }

    /// <summary>A register the guest can read but never change (writes are ignored).</summary>
    public static void AddConstant(VirtualRegisterTable table, ConfigSpace shadow, int offset, int size, string name, uint value)
    {
        shadow.Store(offset, size, value);
        bool tableShadow = ReferenceEquals(table.Shadow, shadow);
        table.Add(new VirtualRegister(offset, size, name, tableShadow ? table.ShadowRead : shadow.Read, Write: null, ShadowBacked: tableShadow));
    }

    /// <summary>The shadow write: RW1C bits written as 1 clear, every other bit takes the masked value.</summary>
    public static VirtualRegisterWrite WriterFor(ConfigSpace shadow, uint rw1c) => (offset, size, value) =>
    {
        uint old = shadow.Read(offset, size);
        shadow.Store(offset, size, (value & ~rw1c) | (old & rw1c & ~value));
    };
}
