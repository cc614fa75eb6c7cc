namespace Bridgekeeper.Hardware;

/// <summary>
/// A domain as Xen numbers them: 0 is the hardware domain, guests are 1 and up, and devices nobody
/// may use are owned by the quarantine domain (Xen's <c>DOMID_IO</c>, 0x7FF1).
/// </summary>
public readonly record struct DomainId(int Value) : IComparable<DomainId>
{
    public static readonly DomainId Hardware = new(0);
    public static readonly DomainId Quarantine = new(0x7FF1);

    public bool IsHardwareDomain => Value == 0;

    public bool IsQuarantine => Value == Quarantine.Value;

    public bool IsGuest => Value > 0 && Value < 0x7FF0;

    public int CompareTo(DomainId other) => Value.CompareTo(other.Value);

    public override string ToString() => IsHardwareDomain ? "d0" : IsQuarantine ? "dom_io" : $"d{Value}";
}
