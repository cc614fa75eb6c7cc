using System.Collections.Frozen;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// Every section type Bridgekeeper can name (UEFI 2.10 App. N.2.2 Table N-6 plus the vendor types
/// libcper knows), and the codecs for those it decodes. A type with a name but no codec is shown as
/// libcper's Unknown (base64 data) and reported as not decoded.
/// </summary>
public static class CperSectionCatalog
{
    /// <summary>(GUID, libcper readable name, libcper JSON key).</summary>
    public static readonly (Guid Type, string Name, string ShortName)[] KnownTypes =
    [
        (new("9876ccad-47b4-4bdb-b65e-16f193c4f3db"), "Processor Generic", "GenericProcessor"),
        (new("dc3ea0b0-a144-4797-b95b-53fa242b6e1d"), "IA32/X64", "Ia32x64Processor"),
        (new("e429faf1-3cb7-11d4-bca7-0080c73c8881"), "IPF", "IPF"),
        (new("e19e3d16-bc11-11e4-9caa-c2051d5d46b0"), "ARM", "ArmProcessor"),
        (new("a5bc1114-6f64-4ede-b863-3e83ed7c83b1"), "Platform Memory", "Memory"),
        (new("61ec04fc-48e6-d813-25c9-8daa44750b12"), "Platform Memory 2", "Memory2"),
        (new("d995e954-bbc1-430f-ad91-b44dcb3c6f35"), "PCIe", "Pcie"),
        (new("81212a96-09ed-4996-9471-8d729c8e69ed"), "Firmware Error Record Reference", "Firmware"),
        (new("c5753963-3b84-4095-bf78-eddad3f9c9dd"), "PCI/PCI-X Bus", "PciBus"),
        (new("eb5e4685-ca66-4769-b6a2-26068b001326"), "PCI Component/Device", "PciComponent"),
        (new("5b51fef7-c79d-4434-8f1b-aa62de3e2c64"), "DMAr Generic", "GenericDmar"),
        (new("71761d37-32b2-45cd-a7d0-b0fedd93e8cf"), "Intel VT for Directed I/O Specific DMAr", "VtdDmar"),
        (new("036f84e1-7f37-428c-a79e-575fdfaa84ec"), "IOMMU Specific DMAr", "IommuDmar"),
        (new("91335ef6-ebfb-4478-a6a6-88b728cf75d7"), "CCIX PER Log Error", "CcixPer"),
        (new("80b9efb4-52b5-4de3-a777-68784b771048"), "CXL Protocol Error", "CxlProtocol"),
        (new("fbcd0a77-c260-417f-85a9-088b1621eba6"), "CXL General Media Component Error", "CxlComponent"),
        (new("bf32d4d5-b427-4025-8495-8a9e5d4030e4"), "ARM RAS", "ArmRas"),
        (new("6d5244f2-2712-11ec-bea7-cb3fdb95c786"), "NVIDIA", "Nvidia"),
        (new("9068e568-6ca0-11f0-aeaf-159343591eac"), "NvidiaEvent", "NvidiaEvent"),
        (new("2826cc9f-448c-4c2b-86b6-a95394b7ef33"), "Ampere", "Ampere"),
    ];

    /// <summary>The codecs implemented so far; every other type is kept as raw bytes.</summary>
    public static readonly ICperSectionCodec[] Codecs =
    [
        new PcieSectionCodec(),
        Sections.StandardSectionCodecs.ProcessorGeneric,
        Sections.StandardSectionCodecs.PlatformMemory,
        Sections.StandardSectionCodecs.PlatformMemory2,
        Sections.StandardSectionCodecs.PciBus,
        Sections.StandardSectionCodecs.PciComponent,
        Sections.StandardSectionCodecs.FirmwareErrorRecordReference,
        new Sections.ArmProcessorSectionCodec(),
        new Sections.Ia32X64SectionCodec(),
        new Sections.NvidiaSectionCodec(),
        new Sections.NvidiaEventSectionCodec(),
        new Sections.ArmRasSectionCodec(),
        Sections.StandardSectionCodecs.CcixPer,
        Sections.StandardSectionCodecs.Ampere,
        Sections.DmarSectionCodecs.IommuDmar,
        Sections.DmarSectionCodecs.GenericDmar,
        Sections.DmarSectionCodecs.VtdDmar,
        Sections.CxlSectionCodecs.GeneralMediaComponent,
        Sections.CxlSectionCodecs.Protocol,
    ];

    private static readonly FrozenDictionary<Guid, ICperSectionCodec> ByType = Codecs.ToFrozenDictionary(c => c.SectionType);
    private static readonly FrozenDictionary<string, ICperSectionCodec> ByShortName = Codecs.ToFrozenDictionary(c => c.ShortName, StringComparer.Ordinal);
    private static readonly FrozenDictionary<Guid, string> Names = KnownTypes.ToFrozenDictionary(t => t.Type, t => t.Name);
    private static readonly FrozenDictionary<string, Guid> ShortNames = KnownTypes.ToFrozenDictionary(t => t.ShortName, t => t.Type, StringComparer.Ordinal);

    public static ICperSectionCodec? CodecFor(Guid type) => ByType.GetValueOrDefault(type);

    public static ICperSectionCodec? CodecFor(string shortName) => ByShortName.GetValueOrDefault(shortName);

    /// <summary>libcper's readable name, or "Unknown".</summary>
    public static string NameOf(Guid type) => Names.GetValueOrDefault(type, "Unknown");

    /// <summary>True when the JSON key names a section type libcper decodes but we do not (yet).</summary>
    public static bool IsKnownButNotDecoded(string shortName) => ShortNames.ContainsKey(shortName) && !ByShortName.ContainsKey(shortName);
}
