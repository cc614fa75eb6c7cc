namespace Bridgekeeper.Pci;

/// <summary>Capability IDs of the standard list (PCI Code and ID Assignment Specification §2).</summary>
public enum CapabilityId : byte
{
    PowerManagement = 0x01,
    Agp = 0x02,
    VitalProductData = 0x03,
    SlotIdentification = 0x04,
    Msi = 0x05,
    CompactPciHotSwap = 0x06,
    PciX = 0x07,
    HyperTransport = 0x08,
    VendorSpecific = 0x09,
    DebugPort = 0x0A,
    CompactPciResourceControl = 0x0B,
    HotPlug = 0x0C,
    BridgeSubsystemVendorId = 0x0D,
    Agp8x = 0x0E,
    SecureDevice = 0x0F,
    PciExpress = 0x10,
    MsiX = 0x11,
    SataConfig = 0x12,
    AdvancedFeatures = 0x13,
    EnhancedAllocation = 0x14,
    FlatteningPortalBridge = 0x15,
}
