using System.Collections.Concurrent;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The spec register layouts vPCI builds its registrations from, each made once per distinct input. The
/// Pci factories (<see cref="MsiCapability.Layout"/>, <see cref="PciExpressCapability.Layout"/>) build a new,
/// validated <see cref="RegisterLayout"/> on every call; a layout is immutable and a pure function of its
/// arguments, so the one made for the same arguments is the same value, and every assignment after the
/// first reuses it instead of rebuilding it.
/// </summary>
internal static class SpecLayouts
{
    private static readonly ConcurrentDictionary<ushort, RegisterLayout> Msi = new();
    private static readonly ConcurrentDictionary<(PciePortType, bool), RegisterLayout> PciExpress = new();

    /// <summary><see cref="MsiCapability.Layout"/> for a Message Control value.</summary>
    public static RegisterLayout MsiFor(ushort messageControl) =>
        Msi.GetOrAdd(messageControl, static control => MsiCapability.Layout(control));

    /// <summary><see cref="PciExpressCapability.Layout"/> for a port type and Slot Implemented.</summary>
    public static RegisterLayout PciExpressFor(PciePortType portType, bool slotImplemented) =>
        PciExpress.GetOrAdd((portType, slotImplemented), static key => PciExpressCapability.Layout(key.Item1, key.Item2));

    /// <summary><see cref="PciExpressCapability.LayoutAt"/>: the layout for the capability at <paramref name="offset"/>.</summary>
    public static RegisterLayout PciExpressAt(ReadOnlySpan<byte> config, int offset)
    {
        var view = new PciExpressCapability.View(config, offset);
        return PciExpressFor(view.PortType, view.SlotImplemented);
    }
}
