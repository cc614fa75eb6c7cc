using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>
/// What the passthrough core needs from the world (DESIGN.md, "The hypervisor's ports"), plus the
/// RID-to-ID maps from IORT: <see cref="StreamIdOf"/> (SMMU StreamID) and <see cref="ItsDeviceIdOf"/>
/// (ITS DeviceID). Both default to the segment-qualified Requester ID, the identity mapping a
/// platform without an ID mapping uses (xen-passthrough.md §8.1, "No map property ... identity").
/// </summary>
public sealed record HypervisorPorts(
    IConfigAccess Config,
    IIommu Iommu,
    IInterruptController Interrupts,
    IEventSink Events,
    IClock Clock)
{
    public Func<Sbdf, uint> StreamIdOf { get; init; } = IdentityRid;

    public Func<Sbdf, uint> ItsDeviceIdOf { get; init; } = IdentityRid;

    /// <summary>The hardware domain's reports (the topology registry); null when the caller feeds topology another way.</summary>
    public IPhysdevOps? Physdev { get; init; }

    public static uint IdentityRid(Sbdf function) => (function.Segment << 16) | function.RequesterId.Value;

    /// <summary>
    /// Takes StreamIDs and ITS DeviceIDs from the platform's IORT (ACPI; IORT spec E.f §3): each
    /// function's Requester ID is followed through its root complex node's ID mappings. A function
    /// the IORT does not map keeps the identity RID.
    /// </summary>
    public HypervisorPorts WithIort(IortTable iort) => this with
    {
        StreamIdOf = f => iort.TranslateRequesterId(f.Segment, f.RequesterId.Value).StreamId ?? IdentityRid(f),
        ItsDeviceIdOf = f => iort.TranslateRequesterId(f.Segment, f.RequesterId.Value).DeviceId ?? IdentityRid(f),
    };
}
