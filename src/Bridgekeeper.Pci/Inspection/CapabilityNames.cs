namespace Bridgekeeper.Pci;

/// <summary>Display names of capability IDs (PCI Code and ID Assignment Specification §2 and §3).</summary>
public static class CapabilityNames
{
    public static string Of(CapabilityEntry e) => e.Extended
        ? Enum.IsDefined((ExtendedCapabilityId)e.Id) ? ((ExtendedCapabilityId)e.Id).ToString() : $"Extended 0x{e.Id:x4}"
        : Enum.IsDefined((CapabilityId)e.Id) ? ((CapabilityId)e.Id).ToString() : $"0x{e.Id:x2}";
}
