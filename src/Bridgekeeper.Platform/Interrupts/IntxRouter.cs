using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// INTx emulation (PCIe Base 6.0 §2.2.8.1, §6.1.3): a function's virtual wire, named by its
/// Interrupt Pin (§7.5.1.1.13, 1 = INTA .. 4 = INTD), is remapped at every bridge it crosses by the
/// device number below that bridge (the PCI-to-PCI Bridge Architecture 1.2 §9.1 swizzle: pin' =
/// (pin - 1 + device) mod 4), and at the host bridge becomes the level-sensitive SPI
/// <c>intx_spi_base + ((pin' - 1 + device) mod 4)</c> of that segment, the root-bus device number
/// taking part as in the usual Arm generic host bridge interrupt-map (QEMU virt's gpex, for one). Assert_INTx/Deassert_INTx messages from every
/// function routed there are ORed into the one SPI (§2.2.8.1 "wire-OR"). Command.Interrupt Disable
/// (§7.5.1.1.3 bit 10) stops the function from driving it; Status.Interrupt Status (§7.5.1.1.4 bit 3)
/// shows what the function would drive regardless of it. A reset deasserts the function's INTx.
/// </summary>
public sealed class IntxRouter
{
    private const ushort StatusInterruptStatus = 0x0008;

    private readonly PcieFabric _fabric;
    private readonly SimGic _gic;
    // How many functions assert INTx now (only this router sets IntxAsserted). While none does, no wire
    // can be high, so a Command write settles the wire-OR without walking the fabric.
    private int _asserting;

    public IntxRouter(PcieFabric fabric, SimGic gic)
    {
        _fabric = fabric;
        _gic = gic;
    }

    /// <summary>
    /// The SPI a function's INTx reaches (after swizzling through every bridge above it), or null
    /// when it has no Interrupt Pin or its host bridge wires no INTx SPIs.
    /// </summary>
    public static uint? SpiOf(SimFunction f)
    {
        int pin = f.Config.Bytes[ConfigHeader.InterruptPin];
        if (pin is < 1 or > 4 || f.Bus is null) return null;
        int swizzled = pin - 1;
        var below = f;
        while (true)
        {
            swizzled = (swizzled + (below.DevFn >> 3)) & 3;
            if (below.UpstreamBridge is not { } bridge) break;
            below = bridge;
        }
        return below.Bus!.HostBridge.IntxSpiBase is uint spiBase ? spiBase + (uint)swizzled : null;
    }

    /// <summary>A device model asserts (true) or deasserts its INTx (Assert_INTx / Deassert_INTx, §2.2.8.1).</summary>
    public void Drive(SimFunction f, bool asserted)
    {
        if (f.Config.Bytes[ConfigHeader.InterruptPin] == 0)
            throw new InvalidOperationException($"{f.Name} has no Interrupt Pin: it cannot signal INTx");
        if (f.IntxAsserted != asserted) _asserting += asserted ? 1 : -1;
        f.IntxAsserted = asserted;
        Update(f);
    }

    /// <summary>After a write to Command: Interrupt Disable may have masked or unmasked the wire.</summary>
    internal void OnCommandWritten(SimFunction f) => Update(f);

    /// <summary>A reset deasserts the function's INTx (its interrupt source is back at its initial state).</summary>
    internal void OnReset(SimFunction f)
    {
        if (!f.IntxAsserted) return;
        f.IntxAsserted = false;
        _asserting--;
        Update(f);
    }

    /// <summary>Boot firmware: writes each function's Interrupt Line with its SPI (0xFF, "unknown", when it has none or the SPI does not fit a byte).</summary>
    public void ProgramInterruptLines()
    {
        foreach (var f in _fabric.AllFunctions())
        {
            if (f.Removed || f.Config.Bytes[ConfigHeader.InterruptPin] == 0) continue;
            uint line = SpiOf(f) is uint spi && spi < 0xFF ? spi : 0xFF;
            f.Config.Write(ConfigHeader.InterruptLine, 1, line);
        }
    }

    /// <summary>Whether a function currently drives its INTx wire (asserted and not disabled).</summary>
    public static bool Drives(SimFunction f) =>
        f.IntxAsserted && !f.Removed && !f.InReset
        && (f.Config.ReadUInt16(ConfigHeader.Command) & ConfigHeader.CommandInterruptDisable) == 0;

    private void Update(SimFunction f)
    {
        if (f.IntxAsserted) f.Config.SetBits(ConfigHeader.Status, 2, StatusInterruptStatus);
        else f.Config.ClearBits(ConfigHeader.Status, 2, StatusInterruptStatus);
        if (SpiOf(f) is not uint spi) return;
        _gic.SetSpiLevel(spi, _asserting > 0 && AnyDrives(spi));
    }

    private bool AnyDrives(uint spi)
    {
        foreach (var other in _fabric.AllFunctions())
            if (Drives(other) && SpiOf(other) == spi) return true;
        return false;
    }
}
