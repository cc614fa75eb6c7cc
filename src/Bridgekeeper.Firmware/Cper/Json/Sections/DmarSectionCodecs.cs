namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>The DMA remapping error sections (UEFI 2.10 App. N.2.11) as field tables, with libcper's keys and names.</summary>
public static class DmarSectionCodecs
{
    // Both the VT-d and the IOMMU sections end with the page table entries of levels 6..1 at 96..143.
    private static readonly SectionField[] PageTableEntries =
    [
        new UIntField("pageTableEntry_Level6", -1, 96, 8),
        new UIntField("pageTableEntry_Level5", -1, 104, 8),
        new UIntField("pageTableEntry_Level4", -1, 112, 8),
        new UIntField("pageTableEntry_Level3", -1, 120, 8),
        new UIntField("pageTableEntry_Level2", -1, 128, 8),
        new UIntField("pageTableEntry_Level1", -1, 136, 8),
    ];

    // IOMMU Specific DMAr Error Section (UEFI 2.10 App. N.2.11.3), 144 bytes; no validation bits.
    public static readonly FieldLayoutCodec IommuDmar = new(
        new Guid("036f84e1-7f37-428c-a79e-575fdfaa84ec"), "IOMMU Specific DMAr", "IommuDmar", 144, null, hasValidationBits: false,
        [
            new UIntField("revision", -1, 0, 1),
            new UIntField("controlRegister", -1, 8, 8),
            new UIntField("statusRegister", -1, 16, 8),
            new Base64Field("eventLogEntry", -1, 32, 16),
            new Base64Field("deviceTableEntry", -1, 64, 32),
            .. PageTableEntries,
        ]);

    // DMAr Generic Error Section (UEFI 2.10 App. N.2.11.1), 32 bytes; no validation bits.
    public static readonly FieldLayoutCodec GenericDmar = new(
        new Guid("5b51fef7-c79d-4434-8f1b-aa62de3e2c64"), "DMAr Generic", "GenericDmar", 32, null, hasValidationBits: false,
        [
            new UIntField("requesterID", -1, 0, 2),
            new UIntField("segmentNumber", -1, 2, 2),
            new DescribedPairField("faultReason", -1, 4, 1,
            [
                (1, "DMT Entry Missing", "Domain mapping table entry is not present."),
                (2, "DMT Entry Invalid", "Invalid domain mapping table entry."),
                (3, "DMT Access Error", "DMAr unit's attempt to access the domain mapping table resulted in an error."),
                (4, "DMT Reserved Bit Invalid", "Reserved bit set to non-zero value in the domain mapping table."),
                (5, "DMA Address Out of Bounds", "DMA request to access an address beyond the device address width."),
                (6, "Invalid Read/Write", "Invalid read or write access."),
                (7, "Invalid Device Request", "Invalid device request."),
                (8, "ATT Access Error", "DMAr unit's attempt to access the address translation table resulted in an error."),
                (9, "ATT Reserved Bit Invalid", "Reserved bit set to non-zero value in the address translation table."),
                (10, "Illegal Command", "Illegal command error."),
                (11, "Command Buffer Access Error", "DMAr unit's attempt to access the command buffer resulted in an error."),
            ], "Unknown (Reserved)"),
            new PairField("accessType", -1, 5, 1, [(0, "DMA Write"), (1, "DMA Read")], "Unknown (Reserved)"),
            new PairField("addressType", -1, 6, 1, [(0, "Untranslated Request"), (1, "Translation Request")], "Unknown (Reserved)"),
            new PairField("architectureType", -1, 7, 1, [(0, "VT-d"), (1, "IOMMU")], "Unknown (Reserved)"),
            new UIntField("deviceAddress", -1, 8, 8),
        ]);

    // Intel VT for Directed I/O Specific DMAr Error Section (UEFI 2.10 App. N.2.11.2), 144 bytes.
    public static readonly FieldLayoutCodec VtdDmar = new(
        new Guid("71761d37-32b2-45cd-a7d0-b0fedd93e8cf"), "Intel VT for Directed I/O Specific DMAr", "VtdDmar", 144, null, hasValidationBits: false,
        [
            new UIntField("version", -1, 0, 1),
            new UIntField("revision", -1, 1, 1),
            new UIntField("oemID", -1, 2, 6),
            new UIntField("capabilityRegister", -1, 8, 8),
            new UIntField("extendedCapabilityRegister", -1, 16, 8),
            new UIntField("globalCommandRegister", -1, 24, 4),
            new UIntField("globalStatusRegister", -1, 28, 4),
            new UIntField("faultStatusRegister", -1, 32, 4),
            new VtdFaultRecordField(48),
            new Base64Field("rootEntry", -1, 64, 16),
            new Base64Field("contextEntry", -1, 80, 16),
            .. PageTableEntries,
        ]);
}
