namespace Bridgekeeper.Hardware;

/// <summary>A StreamID's context: none, blocked, or translating for a domain.</summary>
public readonly record struct IommuContext(IommuContextKind Kind, DomainId Domain)
{
    public static readonly IommuContext None = new(IommuContextKind.None, default);
    public static readonly IommuContext Blocked = new(IommuContextKind.Blocked, default);

    public static IommuContext For(DomainId domain) => new(IommuContextKind.Translate, domain);

    public bool AllowsDma => Kind == IommuContextKind.Translate;
}

public enum IommuContextKind
{
    /// <summary>No stream table entry: DMA faults (SMMUv3 C_BAD_STE).</summary>
    None,
    /// <summary>A valid entry that aborts every transaction (the hypervisor's DMA block during reset).</summary>
    Blocked,
    /// <summary>Translation through the domain's stage-2 tables.</summary>
    Translate,
}
