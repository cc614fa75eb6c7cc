using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// A host bridge as the hardware domain reports it (Xen's <c>PHYSDEVOP_pci_mmcfg_reserved</c>, an MCFG
/// entry: ACPI 6.5 §5.2 / PCI Firmware 3.3 §4.1.2): the ECAM window of one segment and the bus range it
/// decodes. <see cref="StartBus"/> is the root bus. An importer without firmware data infers one per root bus
/// with <see cref="EcamBase"/> 0.
/// </summary>
public sealed record HostBridge(uint Segment, byte StartBus, byte EndBus, ulong EcamBase)
{
    public bool Decodes(Sbdf function) => function.Segment == Segment && function.Bus >= StartBus && function.Bus <= EndBus;

    public override string ToString() => $"{Segment:x4}:[{StartBus:x2}-{EndBus:x2}]";
}
