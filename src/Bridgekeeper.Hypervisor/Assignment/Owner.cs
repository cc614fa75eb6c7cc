using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>The four ownership states of a physical function (Xen's owner field plus <c>broken</c>; xen-passthrough.md §13.1).</summary>
public enum OwnerKind
{
    /// <summary>Owned by the hardware domain (dom0): the state after it reports the function.</summary>
    HardwareDomain,
    /// <summary>Assigned to a guest, which sees it behind its virtual host bridge.</summary>
    Guest,
    /// <summary>Owned by nobody (Xen's <c>dom_io</c>): its DMA is blocked; it may be assigned again.</summary>
    Quarantine,
    /// <summary>Failed for good: DMA blocked, and it never goes to a guest (Xen's -EBADF).</summary>
    Broken,
}

/// <summary>Who owns a function: the state, and for a guest its domain.</summary>
public readonly record struct Owner(OwnerKind Kind, DomainId Domain)
{
    public static readonly Owner HardwareDomain = new(OwnerKind.HardwareDomain, DomainId.Hardware);
    public static readonly Owner Quarantine = new(OwnerKind.Quarantine, DomainId.Quarantine);
    public static readonly Owner Broken = new(OwnerKind.Broken, DomainId.Quarantine);

    public static Owner Guest(DomainId domain) =>
        domain.IsGuest ? new(OwnerKind.Guest, domain) : throw new ArgumentException($"{domain} is not a guest domain", nameof(domain));

    public bool IsGuest => Kind == OwnerKind.Guest;

    /// <summary>A function a guest may be given: the hardware domain's or a quarantined one (Xen's <c>device_assigned</c> check).</summary>
    public bool IsAssignable => Kind is OwnerKind.HardwareDomain or OwnerKind.Quarantine;

    public override string ToString() => Kind switch
    {
        OwnerKind.HardwareDomain => "hardware domain",
        OwnerKind.Guest => $"guest {Domain}",
        OwnerKind.Quarantine => "quarantine",
        _ => "broken",
    };
}
