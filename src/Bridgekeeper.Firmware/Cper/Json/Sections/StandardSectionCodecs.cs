namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>
/// The fixed-layout UEFI 2.10 App. N sections as field tables: offsets from the section start, the
/// validation bit of each field, and libcper's JSON keys and names.
/// </summary>
public static class StandardSectionCodecs
{
    // UEFI 2.10 App. N.2.4.1 Processor Generic Error Section, 192 bytes.
    public static readonly FieldLayoutCodec ProcessorGeneric = new(
        new Guid("9876ccad-47b4-4bdb-b65e-16f193c4f3db"), "Processor Generic", "GenericProcessor", 192,
        "A Generic Processor Error occurred", hasValidationBits: true,
        [
            new PairField("processorType", 0, 8, 1, [(0, "IA32/X64"), (1, "IA64"), (2, "ARM")], "Unknown (Reserved)"),
            new PairField("processorISA", 1, 9, 1, [(0, "IA32"), (1, "IA64"), (2, "X64"), (3, "ARM A32/T32"), (4, "ARM A64")], "Unknown (Reserved)"),
            new PairField("errorType", 2, 10, 1,
                [(0, "Unknown"), (1, "Cache Error"), (2, "TLB Error"), (4, "Bus Error"), (8, "Micro-Architectural Error")], "Unknown (Reserved)"),
            new PairField("operation", 3, 11, 1,
                [(0, "Unknown or Generic"), (1, "Data Read"), (2, "Data Write"), (3, "Instruction Execution")], "Unknown (Reserved)"),
            new FlagsField("flags", 4, 12, 1, ["restartable", "preciseIP", "overflow", "corrected"]),
            new UIntField("level", 5, 13, 1),
            new UIntField("cpuVersionInfo", 6, 16, 8),
            new TextField("cpuBrandString", 7, 24, 128),
            new UIntField("processorID", 8, 152, 8),
            new UIntField("targetAddress", 9, 160, 8),
            new UIntField("requestorID", 10, 168, 8),
            new UIntField("responderID", 11, 176, 8),
            new UIntField("instructionIP", 12, 184, 8),
        ]);

    private static readonly (ulong, string)[] MemoryErrorTypes =
    [
        (0, "Unknown"), (1, "No Error"), (2, "Single-bit ECC"), (3, "Multi-bit ECC"), (4, "Single-symbol ChipKill ECC"),
        (5, "Multi-symbol ChipKill ECC"), (6, "Master Abort"), (7, "Target Abort"), (8, "Parity Error"), (9, "Watchdog Timeout"),
        (10, "Invalid Address"), (11, "Mirror Broken"), (12, "Memory Sparing"), (13, "Scrub Corrected Error"),
        (14, "Scrub Uncorrected Error"), (15, "Physical Memory Map-out Event"),
    ];

    // UEFI 2.10 App. N.2.5 Memory Error Section, 80 bytes.
    public static readonly FieldLayoutCodec PlatformMemory = new(
        new Guid("a5bc1114-6f64-4ede-b863-3e83ed7c83b1"), "Platform Memory", "Memory", 80, null, hasValidationBits: true,
        [
            new GenericErrorStatusField(0, 8),
            new MemoryBankField(38, WholeBankBit: 6, GroupAndAddressBits: 19),
            new PairField("memoryErrorType", 14, 72, 1, MemoryErrorTypes, "Unknown (Reserved)"),
            new MemoryExtendedField(73, 18, ChipBit: 21),
            new UIntField("cardSmbiosHandle", 16, 76, 2),
            new UIntField("moduleSmbiosHandle", 17, 78, 2),
            new UIntField("physicalAddress", 1, 16, 8),
            new HexField("physicalAddressHex", 1, 16, 8, 16),
            new UIntField("physicalAddressMask", 2, 24, 8),
            new UIntField("node", 3, 32, 2),
            new UIntField("card", 4, 34, 2),
            new UIntField("moduleRank", 5, 36, 2),
            new UIntField("device", 7, 40, 2),
            new UIntField("row", 8, 42, 2),
            new UIntField("column", 9, 44, 2),
            new UIntField("bitPosition", 10, 46, 2),
            new UIntField("requestorID", 11, 48, 8),
            new UIntField("responderID", 12, 56, 8),
            new UIntField("targetID", 13, 64, 8),
            new UIntField("rankNumber", 15, 74, 2),
        ]);

    // UEFI 2.10 App. N.2.6 Memory Error Section 2, 96 bytes.
    public static readonly FieldLayoutCodec PlatformMemory2 = new(
        new Guid("61ec04fc-48e6-d813-25c9-8daa44750b12"), "Platform Memory 2", "Memory2", 96, null, hasValidationBits: true,
        [
            new GenericErrorStatusField(0, 8),
            new MemoryBankField(38, WholeBankBit: 6, GroupAndAddressBits: 20),
            new PairField("memoryErrorType", 13, 61, 1, MemoryErrorTypes, "Unknown (Reserved)"),
            new Memory2StatusField(14, 62),
            // libcper shows the physical address under validation bit 0 (error status) and its hex form
            // always, but its encoder sets bit 1: both reproduced.
            new UIntField("physicalAddress", 0, 16, 8) { EncodeValidBit = 1 },
            new HexField("physicalAddressHex", -1, 16, 8, 16),
            new UIntField("physicalAddressMask", 2, 24, 8),
            new UIntField("node", 3, 32, 2),
            new UIntField("card", 4, 34, 2),
            new UIntField("module", 5, 36, 2),
            new UIntField("device", 7, 40, 4),
            new UIntField("row", 8, 44, 4),
            new UIntField("column", 9, 48, 4),
            new UIntField("rank", 10, 52, 4),
            new UIntField("bitPosition", 11, 56, 4),
            new UIntField("chipID", 12, 60, 1),
            new UIntField("requestorID", 15, 64, 8),
            new UIntField("responderID", 16, 72, 8),
            new UIntField("targetID", 17, 80, 8),
            new UIntField("cardSmbiosHandle", 18, 88, 4),
            new UIntField("moduleSmbiosHandle", 19, 92, 4),
        ]);

    // UEFI 2.10 App. N.2.8 PCI/PCI-X Bus Error Section, 72 bytes.
    public static readonly FieldLayoutCodec PciBus = new(
        new Guid("c5753963-3b84-4095-bf78-eddad3f9c9dd"), "PCI/PCI-X Bus", "PciBus", 72, "A PCI/PCI-X Bus Error occurred", hasValidationBits: true,
        [
            new GenericErrorStatusField(0, 8),
            new PairField("errorType", 1, 16, 2,
                [(0, "Unknown/OEM Specific Error"), (1, "Data Parity Error"), (2, "System Error"), (3, "Master Abort"),
                 (4, "Bus Timeout/No Device Present (No DEVSEL#)"), (5, "Master Data Parity Error"), (6, "Address Parity Error"),
                 (7, "Command Parity Error")], "Unknown (Reserved)"),
            new PciBusIdField(2, 18),
            new UIntField("busAddress", 3, 24, 8),
            new UIntField("busData", 4, 32, 8),
            new PciBusCommandField(5, 40),
            new UIntField("busRequestorID", 6, 48, 8),
            new HexField("busRequestorIDHex", 6, 48, 8, 16),
            new UIntField("busCompleterID", 7, 56, 8),
            new HexField("busCompleterIDHex", 7, 56, 8, 16),
            new UIntField("targetID", 8, 64, 8),
        ]);

    // UEFI 2.10 App. N.2.9 PCI/PCI-X Component Error Section: 40 fixed bytes, then register pairs.
    public static readonly FieldLayoutCodec PciComponent = new(
        new Guid("eb5e4685-ca66-4769-b6a2-26068b001326"), "PCI Component/Device", "PciComponent", 40,
        "A PCI/PCI-X Device Error occurred", hasValidationBits: true,
        [
            new GenericErrorStatusField(0, 8),
            new PciComponentIdField(1, 16),
            new UIntField("memoryNumber", 2, 32, 4),
            new UIntField("ioNumber", 3, 36, 4),
        ])
    {
        Tail = new PciComponentRegisterPairs(),
    };

    // UEFI 2.10 App. N.2.10 Firmware Error Record Reference, 32 bytes; no validation bits.
    public static readonly FieldLayoutCodec FirmwareErrorRecordReference = new(
        new Guid("81212a96-09ed-4996-9471-8d729c8e69ed"), "Firmware Error Record Reference", "Firmware", 32,
        "A Firmware Error occurred", hasValidationBits: false,
        [
            new PairField("errorRecordType", -1, 0, 1,
                [(0, "IPF SAL Error Record"), (1, "SOC Firmware Error Record (Type1 Legacy)"), (2, "SOC Firmware Error Record (Type2)")],
                "Unknown (Reserved)"),
            new UIntField("revision", -1, 1, 1),
            new UIntField("recordID", -1, 8, 8),
            new GuidField("recordIDGUID", -1, 16),
        ]);

    // CCIX Protocol Error Record (UEFI 2.10 App. N.2.12): length, validation bits, source and port IDs,
    // then the CCIX PER log up to Length.
    public static readonly FieldLayoutCodec CcixPer = new(
        new Guid("91335ef6-ebfb-4478-a6a6-88b728cf75d7"), "CCIX PER Log Error", "CcixPer", 16, null, hasValidationBits: true,
        [
            new UIntField("length", -1, 0, 4),
            new UIntField("ccixSourceID", 0, 12, 1),
            new UIntField("ccixPortID", 1, 13, 1),
        ])
    {
        ValidationOffset = 4,
        Tail = new RawBytesTail("ccixPERLog", 2, LengthOffset: 0),
    };

    // Ampere vendor section (libcper cper-section-ampere): type, subtype and instance identifiers.
    public static readonly FieldLayoutCodec Ampere = new(
        new Guid("2826cc9f-448c-4c2b-86b6-a95394b7ef33"), "Ampere", "Ampere", 8, null, hasValidationBits: false,
        [
            new UIntField("typeId", -1, 0, 2),
            new UIntField("subTypeId", -1, 2, 2),
            new UIntField("instanceId", -1, 4, 4),
        ]);
}
