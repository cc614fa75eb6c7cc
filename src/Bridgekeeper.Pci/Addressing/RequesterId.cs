namespace Bridgekeeper.Pci;

/// <summary>
/// The 16-bit Requester ID carried in TLPs and error messages (PCIe Base 6.0 §2.2.6.2): bus in bits
/// 15:8, device/function in bits 7:0. Error Source Identification and IORT ID mappings use it.
/// </summary>
public readonly record struct RequesterId(ushort Value) : IComparable<RequesterId>
{
    public byte Bus => (byte)(Value >> 8);

    public byte DevFn => (byte)Value;

    public int CompareTo(RequesterId other) => Value.CompareTo(other.Value);

    public override string ToString() => $"{Bus:x2}:{DevFn >> 3:x2}.{DevFn & 7}";
}
