namespace Bridgekeeper.Pci;

/// <summary>
/// One entry found in a function's capability lists: the raw ID (a <see cref="CapabilityId"/> for the
/// standard list, an <see cref="ExtendedCapabilityId"/> for the extended list), its offset, and for
/// extended capabilities the 4-bit version.
/// </summary>
public readonly record struct CapabilityEntry(ushort Id, int Offset, bool Extended, byte Version = 0)
{
    public bool Is(CapabilityId id) => !Extended && Id == (ushort)id;

    public bool Is(ExtendedCapabilityId id) => Extended && Id == (ushort)id;

    public override string ToString() => Extended
        ? $"[{Offset:x3}] ext 0x{Id:x4} v{Version}"
        : $"[{Offset:x2}] 0x{Id:x2}";
}
