using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The standard capability list a guest sees: the physical chain filtered to the capabilities the
/// hypervisor emulates (MSI, MSI-X, PCI Express; Xen's <c>supported_caps[]</c> plus PCIe), each kept at
/// its physical offset, with the Next pointers rewritten to skip the hidden ones (VFIO patches the
/// preceding next pointer the same way). Power Management, vendor-specific and every other capability
/// are hidden: their bytes are unregistered and read as all ones.
/// </summary>
public sealed record GuestCapabilityChain(byte FirstOffset, IReadOnlyList<CapabilityEntry> Visible)
{
    public static bool IsVisible(CapabilityEntry cap) =>
        !cap.Extended && (CapabilityId)cap.Id is CapabilityId.Msi or CapabilityId.MsiX or CapabilityId.PciExpress;

    /// <summary>Registers the ID and Next bytes of every visible capability; returns the chain.</summary>
    public static GuestCapabilityChain Register(VirtualFunction function, ReadOnlySpan<byte> snapshot)
    {
        var visible = new List<CapabilityEntry>();
        foreach (var cap in CapabilityList.Walk(snapshot).Entries)
            if (IsVisible(cap)) visible.Add(cap);
        for (int i = 0; i < visible.Count; i++)
        {
            int at = visible[i].Offset;
            uint next = i + 1 < visible.Count ? (uint)visible[i + 1].Offset : 0u;
            ShadowRegisters.AddConstant(function.Registers, function.Shadow, at, 1, IdNameAt(at), visible[i].Id);
            ShadowRegisters.AddConstant(function.Registers, function.Shadow, at + 1, 1, NextNameAt(at + 1), next);
        }
        return new GuestCapabilityChain(visible.Count == 0 ? (byte)0 : (byte)visible[0].Offset, visible);
    }

    // The registrations' names depend only on the offset (inside the 256-byte standard space), so each is
    // formatted once per process rather than per assignment. A race formats the same text twice: harmless.
    private static readonly string?[] IdNames = new string?[ConfigSpace.ConventionalSize];
    private static readonly string?[] NextNames = new string?[ConfigSpace.ConventionalSize];

    private static string IdNameAt(int at) => IdNames[at] ??= $"Capability ID at 0x{at:X2}";

    private static string NextNameAt(int at) => NextNames[at] ??= $"Next Capability at 0x{at:X2}";
}
