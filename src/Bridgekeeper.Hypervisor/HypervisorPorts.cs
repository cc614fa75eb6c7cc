using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor;

/// <summary>
/// What the passthrough core needs from the world (DESIGN.md, "The hypervisor's ports"), plus the
/// RID-to-ID maps: <see cref="StreamIdOf"/> (SMMU StreamID) and <see cref="ItsDeviceIdOf"/> (ITS
/// DeviceID). Without firmware tables both are the segment-qualified Requester ID, the identity mapping
/// a device-tree platform without an <c>iommu-map</c> uses (xen-passthrough.md §8.1). With an IORT
/// (<see cref="WithIort"/>) nothing is guessed: a Requester ID the IORT does not map to both a StreamID
/// and a DeviceID has none, <see cref="IdMappingProblemOf"/> says why, and assignment is refused.
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

    /// <summary>Why a Requester ID has no StreamID or ITS DeviceID (so it cannot be assigned), or null when it has both.</summary>
    public Func<Sbdf, string?> IdMappingProblemOf { get; init; } = static _ => null;

    /// <summary>The hardware domain's reports (the topology registry); null when the caller feeds topology another way.</summary>
    public IPhysdevOps? Physdev { get; init; }

    /// <summary>
    /// Host physical memory, where device BARs decode (MMIO): the core programs a function's physical
    /// MSI-X table and reads its PBA here. Null: the physical table is not written (MSI-X routing is
    /// then only the ITS mapping).
    /// </summary>
    public ISystemMemory? Mmio { get; init; }

    /// <summary>
    /// The host doorbell a function's physical MSI/MSI-X messages are written to: the ITS's
    /// GITS_TRANSLATER (GICv3 §12.19.12, ITS base + 0x10040) that the IORT names for its DeviceID.
    /// The EventID is the message data. Defaults to the QEMU virt ITS at 0x0808_0000.
    /// </summary>
    public ulong ItsDoorbell { get; init; } = DefaultItsDoorbell;

    public const ulong DefaultItsDoorbell = 0x0808_0000 + 0x1_0040;

    public static uint IdentityRid(Sbdf function) => (function.Segment << 16) | function.RequesterId.Value;

    /// <summary>
    /// Takes StreamIDs and ITS DeviceIDs from the platform's IORT (ACPI; IORT spec E.f §3): each
    /// function's Requester ID is followed through its root complex node's ID mappings. A Requester ID
    /// the IORT does not take through an SMMU to an ITS has no IDs: asking for them throws, and
    /// <see cref="IdMappingProblemOf"/> names what is missing so assignment can refuse.
    /// </summary>
    public HypervisorPorts WithIort(IortTable iort) => this with
    {
        StreamIdOf = f => iort.TranslateRequesterId(f.Segment, f.RequesterId.Value).StreamId
            ?? throw new InvalidOperationException($"IORT maps no StreamID for {f}: {IortProblem(iort, f)}"),
        ItsDeviceIdOf = f => iort.TranslateRequesterId(f.Segment, f.RequesterId.Value).DeviceId
            ?? throw new InvalidOperationException($"IORT maps no ITS DeviceID for {f}: {IortProblem(iort, f)}"),
        IdMappingProblemOf = f => IortProblem(iort, f),
    };

    private static string? IortProblem(IortTable iort, Sbdf f)
    {
        var t = iort.TranslateRequesterId(f.Segment, f.RequesterId.Value);
        string rid = $"Requester ID 0x{f.RequesterId.Value:X4}";
        if (t.RootComplexIndex is null) return $"the IORT has no root complex node for segment {f.Segment}";
        if (t.StreamId is null)
            return $"the IORT maps {rid} of segment {f.Segment} to no SMMU StreamID, so its DMA cannot be isolated";
        if (t.DeviceId is null)
            return $"the IORT maps {rid} of segment {f.Segment} to StreamID 0x{t.StreamId:X} but to no ITS DeviceID, so its MSIs cannot be routed";
        return null;
    }
}
